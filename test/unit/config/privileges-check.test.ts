// `user:` / `group:`: resolved against passwd/group text, with the user's supplementary groups;
// unknown names and a group without a user are errors; a key the user cannot read is a warning.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CheckContext } from '../../../src/config/check-context.ts';
import { checkPrivileges, parseAccounts, readableBy } from '../../../src/config/privileges-check.ts';
import type { Problem } from '../../../src/problems.ts';
import { makeTempDir } from '../../helpers/pki.ts';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
# a comment
tlsterm:x:998:997::/var/lib/tlsterm:/usr/sbin/nologin
broken-line
`;
const GROUP = `root:x:0:
tlsterm:x:997:
ssl-cert:x:111:postgres,tlsterm
web:x:500:
`;
const files = { passwd: PASSWD, group: GROUP };

function context(): CheckContext & { problems: Problem[] } {
  const problems: Problem[] = [];
  return {
    problems,
    add: (severity, where, message, hint) => problems.push({ severity, path: where, message, hint }),
    resolveFile: (p) => p,
    readCaFiles: async () => undefined,
    loadPair: async () => undefined,
  };
}

let tmp: { dir: string; cleanup(): void };
before(() => {
  tmp = makeTempDir('privileges-check');
});
after(() => tmp.cleanup());

test('parseAccounts reads names, ids, primary groups and members', () => {
  assert.deepEqual(parseAccounts(PASSWD, 'passwd')[1], { name: 'tlsterm', id: 998, gid: 997 });
  assert.deepEqual(parseAccounts(GROUP, 'group')[2], {
    name: 'ssl-cert',
    id: 111,
    members: ['postgres', 'tlsterm'],
  });
  assert.equal(parseAccounts(PASSWD, 'passwd').length, 2);
});

test('user: alone takes its primary group and its supplementary groups; by name or by id', () => {
  const ctx = context();
  const runAs = checkPrivileges(ctx, { user: 'tlsterm' }, [], files);
  assert.deepEqual(runAs, { user: 'tlsterm', uid: 998, group: 'tlsterm', gid: 997, groups: [997, 111] });
  assert.deepEqual(checkPrivileges(ctx, { user: '998', group: 'web' }, [], files)?.gid, 500);
  assert.deepEqual(ctx.problems, []);
});

test('unknown user or group, and group: without user:, are errors', () => {
  for (const [raw, where, words] of [
    [{ user: 'nosuch' }, 'user', /user nosuch does not exist/],
    [{ user: 'tlsterm', group: 'nosuch' }, 'group', /group nosuch does not exist/],
    [{ group: 'web' }, 'group', /group: is set without user:/],
  ] as const) {
    const ctx = context();
    assert.equal(checkPrivileges(ctx, raw, [], files), undefined);
    assert.equal(ctx.problems[0]?.severity, 'error');
    assert.equal(ctx.problems[0]?.path, where);
    assert.match(ctx.problems[0]?.message ?? '', words);
  }
});

test('readableBy follows the directories too (certbot archive/ is 0700 root)', () => {
  const open = path.join(tmp.dir, 'open');
  fs.mkdirSync(open, { mode: 0o755 });
  fs.chmodSync(tmp.dir, 0o755);
  const key = path.join(open, 'key.pem');
  fs.writeFileSync(key, 'k', { mode: 0o644 });
  assert.equal(readableBy(key, 4242, 4242), true);
  fs.chmodSync(key, 0o600);
  assert.equal(readableBy(key, 4242, 4242), false);
  fs.chmodSync(key, 0o644);
  fs.chmodSync(open, 0o700);
  assert.equal(readableBy(key, 4242, 4242), false, 'the directory blocks it');
  assert.equal(readableBy(key, 0, 0), true);
});
