// `user:` / `group:` (top level): whom tlsterm serves as after binding its listeners and reading
// its keys. Resolved here against /etc/passwd and /etc/group (what getpwnam reads on a host
// without a directory service); and every certificate key must stay readable by that user, since
// certificates reloaded later are read after the drop: certbot's archive/ (0700 root) is not.

import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CheckContext } from './check-context.ts';
import type { RawConfig } from './schema.ts';

export interface RunAsPlan {
  readonly user: string;
  readonly uid: number;
  /** `group:`, else the user's primary group. */
  readonly group: string;
  readonly gid: number;
  /** Supplementary groups: gid, and every group of /etc/group that lists the user (e.g. ssl-cert). */
  readonly groups: readonly number[];
}

interface Account {
  readonly name: string;
  readonly id: number;
  /** passwd: the primary group id. */
  readonly gid?: number;
  /** group: its members. */
  readonly members?: readonly string[];
}

/** Rows of /etc/passwd or /etc/group (name:x:id:gid-or-members:…). */
export function parseAccounts(text: string, kind: 'passwd' | 'group'): Account[] {
  const rows: Account[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name = '', , id = '', fourth = ''] = line.split(':');
    if (name === '' || !/^\d+$/.test(id)) continue;
    rows.push(
      kind === 'passwd' && /^\d+$/.test(fourth)
        ? { name, id: Number(id), gid: Number(fourth) }
        : { name, id: Number(id), members: fourth.split(',').filter(Boolean) },
    );
  }
  return rows;
}

const lookup = (rows: readonly Account[], nameOrId: string): Account | undefined =>
  rows.find((r) => r.name === nameOrId) ??
  (/^\d+$/.test(nameOrId) ? rows.find((r) => r.id === Number(nameOrId)) : undefined);

const readOr = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Whether uid/gid may read `file`: search on every directory up to it, read on the file itself. */
export function readableBy(file: string, uid: number, gid: number): boolean {
  if (uid === 0) return true;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  const allowed = (p: string, bits: { user: number; group: number; other: number }): boolean => {
    const st = statSync(p);
    if (st.uid === uid) return (st.mode & bits.user) !== 0;
    if (st.gid === gid) return (st.mode & bits.group) !== 0;
    return (st.mode & bits.other) !== 0;
  };
  try {
    const dirs: string[] = [];
    for (let d = path.dirname(real); ; d = path.dirname(d)) {
      dirs.push(d);
      if (d === path.dirname(d)) break;
    }
    const search = { user: 0o100, group: 0o010, other: 0o001 };
    return (
      dirs.every((d) => allowed(d, search)) && allowed(real, { user: 0o400, group: 0o040, other: 0o004 })
    );
  } catch {
    return false;
  }
}

export function checkPrivileges(
  ctx: CheckContext,
  raw: Pick<RawConfig, 'user' | 'group'>,
  /** The listeners' sites' certificate files (plan.ts's shape; not imported, so no cycle). */
  listeners: readonly {
    readonly sites: readonly {
      readonly certificates: readonly { keyPath: string; certPath: string }[];
      /** ACME sites' files live in the state directory, which is handed to the user at start. */
      readonly acme?: unknown;
    }[];
  }[],
  files: { passwd: string; group: string } = { passwd: readOr('/etc/passwd'), group: readOr('/etc/group') },
): RunAsPlan | undefined {
  if (raw.user === undefined) {
    if (raw.group !== undefined)
      ctx.add('error', 'group', 'group: is set without user:', 'set user: too (group: only picks its group)');
    return undefined;
  }
  const user = lookup(parseAccounts(files.passwd, 'passwd'), raw.user);
  if (user === undefined) {
    ctx.add(
      'error',
      'user',
      `user ${raw.user} does not exist on this host (not in /etc/passwd)`,
      'create it, e.g. `useradd --system --no-create-home tlsterm`, or name an existing user',
    );
    return undefined;
  }
  const groups = parseAccounts(files.group, 'group');
  const group = raw.group !== undefined ? lookup(groups, raw.group) : groups.find((g) => g.id === user.gid);
  if (raw.group !== undefined && group === undefined) {
    ctx.add(
      'error',
      'group',
      `group ${raw.group} does not exist on this host (not in /etc/group)`,
      'name an existing group',
    );
    return undefined;
  }
  const gid = group?.id ?? user.gid ?? user.id;
  for (const [i, listener] of listeners.entries())
    for (const [j, site] of listener.sites.entries())
      for (const [k, pair] of site.acme === undefined ? site.certificates.entries() : [])
        for (const file of [pair.keyPath, pair.certPath])
          if (!readableBy(file, user.id, gid))
            ctx.add(
              'warning',
              `listeners[${i}].sites[${j}].certificates[${k}]`,
              `${file} is not readable by ${user.name} (user:): tlsterm reads it at start, as root, but a changed certificate is reloaded after the drop and would be refused`,
              `let ${user.name} read it (e.g. chgrp ${group?.name ?? gid} on the file and its directories, mode 0640/0750); for certbot, a deploy hook that copies the pair out of archive/ (0700 root), or run tlsterm's own ACME`,
            );
  const member = groups.filter((g) => g.members?.includes(user.name)).map((g) => g.id);
  return {
    user: user.name,
    uid: user.id,
    group: group?.name ?? String(gid),
    gid,
    groups: [gid, ...member.filter((g) => g !== gid)],
  };
}
