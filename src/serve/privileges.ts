// `user:`/`group:`: once the listeners are bound and the keys read (and the key log opened), the
// primary and every worker give up root for that user. Group first (setgid, then the
// supplementary groups), user last: after setuid nothing else could be changed. The state
// directory becomes the user's, since the primary keeps writing there (status, ACME).

import { lchown, readdir } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import type { RunAsPlan } from '../config/index.ts';

export type PrivilegeOutcome =
  | { readonly ok: true; readonly dropped: boolean }
  | { readonly ok: false; readonly why: string; readonly hint: string };

/** Before anything binds: a non-root process can only "become" the user it already is. */
export function privilegeRefusal(runAs: RunAsPlan | undefined, uid: number | undefined): PrivilegeOutcome {
  if (runAs === undefined || uid === undefined || uid === 0 || uid === runAs.uid)
    return { ok: true, dropped: false };
  return {
    ok: false,
    why: `user: ${runAs.user} is set, but tlsterm runs as uid ${uid}, not root: it cannot switch users`,
    hint: `start it as root (it drops to ${runAs.user} after binding and reading the keys), or as ${runAs.user} itself, or remove user:`,
  };
}

/** setgid, setgroups, setuid, in that order; a no-op when already that user. */
export function dropPrivileges(runAs: RunAsPlan): PrivilegeOutcome {
  const uid = process.getuid?.();
  if (uid === undefined || process.setuid === undefined || process.setgid === undefined)
    return { ok: false, why: 'user: needs a POSIX system', hint: 'remove user: on this platform' };
  if (uid !== 0) return privilegeRefusal(runAs, uid);
  try {
    process.setgid(runAs.gid);
    // The group, and the user's own supplementary groups (root's must not stay).
    process.setgroups?.([...runAs.groups]);
    process.setuid(runAs.uid);
  } catch (error) {
    return {
      ok: false,
      why: `cannot switch to ${runAs.user}:${runAs.group}: ${(error as Error).message}`,
      hint: 'check that the user and group exist (`id USER`)',
    };
  }
  return process.getuid?.() === runAs.uid && process.getgid?.() === runAs.gid
    ? { ok: true, dropped: true }
    : { ok: false, why: `still uid ${process.getuid?.()} after setuid(${runAs.uid})`, hint: 'report this' };
}

/** Make `dir` and everything in it the user's (as systemd's StateDirectory= does). */
export async function handOver(dir: string, runAs: RunAsPlan): Promise<void> {
  await lchown(dir, runAs.uid, runAs.gid);
  const entries = await readdir(dir, { recursive: true });
  for (const entry of entries) await lchown(path.join(dir, entry), runAs.uid, runAs.gid);
}
