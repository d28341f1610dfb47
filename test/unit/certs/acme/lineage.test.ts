import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  assignLineageNames,
  lineageName,
  lineagePaths,
  readLineage,
  writeLineageVersion,
} from '../../../../src/certs/acme/lineage.ts';
import { ensurePlaceholderCertificate } from '../../../../src/certs/acme/placeholder.ts';
import { loadCertificatePair } from '../../../../src/certs/load-pair.ts';
import { makePki, makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('lineage');
after(() => tmp.cleanup());

test("lineage names: the first host that is not a wildcard, else a wildcard's base; -0001 for a clash", () => {
  assert.equal(lineageName(['Example.COM.', 'www.example.com']), 'example.com');
  assert.equal(lineageName(['*.example.com', 'example.com']), 'example.com');
  assert.equal(lineageName(['*.example.com', 'api.example.net']), 'api.example.net');
  assert.equal(lineageName(['*.example.com', '*.example.net']), 'example.com');
  assert.deepEqual(
    assignLineageNames([['a.test', 'www.a.test'], ['a.test'], ['www.a.test', 'a.test'], ['b.test']]),
    ['a.test', 'a.test-0001', 'a.test', 'b.test'],
  );
});

test('versions go to archive/ (key 0600, certificates 0644) and live/ links point at the newest', async () => {
  const pki = await makePki(path.join(tmp.dir, 'pki'));
  const state = path.join(tmp.dir, 'state');
  const one = await pki.issue(['l.test'], { name: 'one' });
  const two = await pki.issue(['l.test'], { name: 'two' });
  assert.equal(
    await writeLineageVersion(state, 'l.test', { fullchainPem: one.fullchainPem, keyPem: one.keyPem }),
    1,
  );
  assert.equal(
    await writeLineageVersion(state, 'l.test', { fullchainPem: two.fullchainPem, keyPem: two.keyPem }),
    2,
  );
  const p = lineagePaths(state, 'l.test');
  assert.equal(fs.readlinkSync(p.fullchain), '../../archive/l.test/fullchain2.pem');
  assert.equal(fs.readFileSync(p.cert, 'utf8'), two.certPem);
  assert.equal(fs.readFileSync(p.chain, 'utf8'), pki.intermediatePem);
  assert.equal(fs.readFileSync(p.fullchain, 'utf8'), two.fullchainPem);
  assert.equal(fs.readFileSync(p.privkey, 'utf8'), two.keyPem);
  assert.equal(fs.statSync(path.join(p.archiveDir, 'privkey1.pem')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(p.archiveDir, 'fullchain1.pem')).mode & 0o777, 0o644);
  assert.deepEqual(fs.readdirSync(p.liveDir).sort(), [
    'cert.pem',
    'chain.pem',
    'fullchain.pem',
    'privkey.pem',
  ]);
  const live = await readLineage(state, 'l.test');
  assert.equal(live?.keyMatches, true);
  assert.equal(live?.selfSigned, false);
  assert.deepEqual(live?.sans, ['l.test']);
  assert.equal(await readLineage(state, 'missing.test'), undefined);
});

test('the placeholder: self-signed for the hosts, accepted by load-pair, written once, never over a real certificate', async () => {
  const state = path.join(tmp.dir, 'placeholder-state');
  const hosts = ['p.test', '*.p.test'];
  const made = await ensurePlaceholderCertificate(state, 'p.test', hosts);
  assert.equal(made.created, true);
  const loaded = await loadCertificatePair(made.certPath, made.keyPath);
  assert.ok(loaded.pair, JSON.stringify(loaded.problems));
  assert.deepEqual(loaded.pair.sans, hosts);
  assert.equal((await readLineage(state, 'p.test'))?.selfSigned, true);
  assert.equal((await ensurePlaceholderCertificate(state, 'p.test', hosts)).created, false);

  const pki = await makePki(path.join(tmp.dir, 'pki-real'));
  const real = await pki.issue(['r.test'], {
    name: 'expired',
    notBefore: new Date(Date.now() - 9e9),
    notAfter: new Date(Date.now() - 1e9),
  });
  await writeLineageVersion(state, 'r.test', { fullchainPem: real.fullchainPem, keyPem: real.keyPem });
  assert.equal(
    (await ensurePlaceholderCertificate(state, 'r.test', ['r.test'])).created,
    false,
    'an expired real certificate stays',
  );
});
