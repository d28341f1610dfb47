// The machine as doctor reads it: files under /proc and /sys, through one seam so tests can give a
// fake /proc/net/tls_stat (or a kernel with or without the tls module) without root or that kernel.

import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface SystemView {
  /** The text of a file, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  exists(path: string): boolean;
  /** `uname -r` */
  readonly kernelRelease: string | undefined;
}

/** The real machine, optionally under another root (a test's fake tree). */
export function systemView(root = '/'): SystemView {
  const at = (p: string): string => (root === '/' ? p : `${root.replace(/\/$/, '')}${p}`);
  const read = (p: string): string | undefined => {
    try {
      const bytes = readFileSync(at(p));
      return p.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    } catch {
      return undefined;
    }
  };
  return {
    read,
    exists(p) {
      try {
        statSync(at(p));
        return true;
      } catch {
        return false;
      }
    },
    kernelRelease: read('/proc/sys/kernel/osrelease')?.trim(),
  };
}
