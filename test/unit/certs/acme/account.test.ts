import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  accountPaths,
  loadOrCreateAccountKey,
  readAccountMeta,
  writeAccountMeta,
} from '../../../../src/certs/acme/account.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('acme-account');
after(() => tmp.cleanup());

test('one account key per directory, created once (0600), the same key for racing instances', async () => {
  const paths = accountPaths(tmp.dir, 'https://acme.example/directory');
  assert.match(paths.dir, /acme\/accounts\/acme\.example\/[0-9a-f]{16}$/);
  assert.notEqual(accountPaths(tmp.dir, 'https://acme.example/other').dir, paths.dir);
  const results = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateAccountKey(paths)));
  assert.equal(results.filter((r) => r.created).length, 1);
  assert.equal(new Set(results.map((r) => r.keyPem)).size, 1);
  assert.equal(
    crypto.createPrivateKey(results[0]?.keyPem ?? '').asymmetricKeyDetails?.namedCurve,
    'prime256v1',
  );
  assert.equal(fs.statSync(paths.keyPath).mode & 0o777, 0o600);
  assert.equal((await loadOrCreateAccountKey(paths)).created, false);
  assert.deepEqual(fs.readdirSync(paths.dir), ['account.key'], 'no temp files left');

  assert.equal(await readAccountMeta(paths), undefined);
  const meta = {
    directory: 'https://acme.example/directory',
    url: 'https://acme.example/acct/1',
    email: 'a@b.c',
  };
  await writeAccountMeta(paths, meta);
  assert.deepEqual(await readAccountMeta(paths), meta);
  assert.equal(path.basename(paths.metaPath), 'account.json');
});
