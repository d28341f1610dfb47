import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadCertificatePair } from '../../../../src/certs/load-pair.ts';
import { readPairSnapshot, snapshotHolds } from '../../../../src/certs/reload/snapshot.ts';
import { makePki, makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('reload-snapshot');
after(() => tmp.cleanup());

test('the fingerprint changes with either file, follows symlinks, and survives missing files', async () => {
  const pki = await makePki(path.join(tmp.dir, 'pki'));
  const { fullchainPath, keyPath } = pki.chains.ec;
  const a = await readPairSnapshot(fullchainPath, keyPath);
  assert.equal((await readPairSnapshot(fullchainPath, keyPath)).fingerprint, a.fingerprint);

  const link = path.join(tmp.dir, 'link.pem');
  fs.symlinkSync(fullchainPath, link);
  const viaLink = await readPairSnapshot(link, keyPath);
  assert.equal(viaLink.fingerprint, a.fingerprint, 'same bytes through a symlink');
  assert.ok(
    viaLink.directories.includes(tmp.dir) && viaLink.directories.includes(path.dirname(fullchainPath)),
  );

  fs.rmSync(link);
  fs.symlinkSync(pki.chains.rsa.fullchainPath, link);
  assert.notEqual((await readPairSnapshot(link, keyPath)).fingerprint, a.fingerprint, 'relinked');

  const missing = await readPairSnapshot(path.join(tmp.dir, 'nope.pem'), keyPath);
  assert.equal(missing.certBytes, undefined);
  assert.notEqual(missing.fingerprint, a.fingerprint);
});

test('snapshotHolds: the files hold exactly the pair load-pair made of them', async () => {
  const pki = await makePki(path.join(tmp.dir, 'pki2'));
  const { fullchainPath, keyPath } = pki.chains.ec;
  const loaded = await loadCertificatePair(fullchainPath, keyPath, { extraCa: [pki.rootPem] });
  assert.ok(loaded.pair);
  assert.equal(snapshotHolds(await readPairSnapshot(fullchainPath, keyPath), loaded.pair), true);
  const other = await readPairSnapshot(pki.chains.rsa.fullchainPath, pki.chains.rsa.keyPath);
  assert.equal(snapshotHolds(other, loaded.pair), false);
});
