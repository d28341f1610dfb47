// `keylog:` (a file, or { file, max_bytes }): where the TLS secrets of every connection go, with a
// warning, since whoever reads that file can decrypt the traffic.

import { KEYLOG_DEFAULT_MAX_BYTES } from '../observe/keylog-writer.ts';
import type { CheckContext } from './check-context.ts';
import type { RawConfig } from './schema.ts';

export interface KeylogPlan {
  readonly keylogFile: string;
  readonly keylogMaxBytes: number;
}

export function checkKeylog(ctx: CheckContext, raw: RawConfig['keylog']): KeylogPlan | undefined {
  const keylog = typeof raw === 'string' ? { file: raw } : raw;
  if (keylog === undefined) return undefined;
  const keylogFile = ctx.resolveFile(keylog.file);
  ctx.add(
    'warning',
    'keylog',
    `keylog is on: the TLS secrets of every connection are written to ${keylogFile}; whoever reads it can decrypt the traffic`,
    'use it only while debugging (e.g. with Wireshark), then remove the key',
  );
  return { keylogFile, keylogMaxBytes: keylog.max_bytes ?? KEYLOG_DEFAULT_MAX_BYTES };
}
