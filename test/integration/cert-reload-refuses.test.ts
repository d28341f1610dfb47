// A bad new pair is refused and the old one keeps serving: a key that does not match, a certificate
// that no longer covers the site's hosts, an expired certificate. Each refusal says why, once; a
// good pair afterwards is taken.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { reloadEvent } from '../../src/certs/reload/index.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { servedSerial, startReloadingServer } from './cert-reload-harness.ts';

const HOST = 'refuse.test';
const serialOf = (pem: string): string => new crypto.X509Certificate(pem).serialNumber.toUpperCase();

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;

before(async () => {
  tmp = makeTempDir('cert-reload-refuses');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

async function site(name: string): Promise<{ cert: string; key: string; serial: string }> {
  const first = await pki.issue([HOST, `www.${HOST}`], { name: `${name}-first` });
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir);
  const cert = path.join(dir, 'fullchain.pem');
  const key = path.join(dir, 'privkey.pem');
  fs.writeFileSync(cert, first.fullchainPem);
  fs.writeFileSync(key, first.keyPem, { mode: 0o600 });
  return { cert, key, serial: serialOf(first.certPem) };
}

test('a key that does not match is refused, the old pair keeps serving, and the refusal is logged once', async () => {
  const s = await site('mismatch');
  const server = await startReloadingServer({
    certPath: s.cert,
    keyPath: s.key,
    hosts: [HOST, `www.${HOST}`],
    extraCa: [pki.rootPem],
  });
  try {
    const bad = await pki.issue([HOST, `www.${HOST}`], { name: 'mismatch-bad', mismatchedKey: true });
    fs.writeFileSync(s.key, bad.keyPem);
    fs.writeFileSync(s.cert, bad.fullchainPem);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'refused');
    assert.equal(outcome.kind === 'refused' && outcome.keptSerial, s.serial);
    const event = reloadEvent(outcome, { certPath: s.cert, keyPath: s.key });
    assert.equal(event['event'], 'certificate_reload_refused');
    assert.match(JSON.stringify(event['problems']), /private key does not match certificate CN=refuse\.test/);
    assert.doesNotMatch(JSON.stringify(event), /PRIVATE KEY/, 'no key material in the log event');
    assert.equal(await servedSerial(server.port, HOST, pki.rootPem), s.serial);

    // The same bad content again (an event, a poll): nothing new is reported.
    fs.writeFileSync(s.cert, bad.fullchainPem);
    await server.watcher.check();
    assert.equal(server.outcomes.length, 1);

    const good = await pki.issue([HOST, `www.${HOST}`], { name: 'mismatch-good' });
    fs.writeFileSync(s.key, good.keyPem);
    fs.writeFileSync(s.cert, good.fullchainPem);
    const second = await server.nextOutcome(1);
    assert.equal(second.kind, 'reloaded', JSON.stringify(second));
    assert.equal(await servedSerial(server.port, HOST, pki.rootPem), serialOf(good.certPem));
  } finally {
    await server.close();
  }
});

test('a certificate that drops one of the hosts is refused', async () => {
  const s = await site('names');
  const server = await startReloadingServer({
    certPath: s.cert,
    keyPath: s.key,
    hosts: [HOST, `www.${HOST}`],
    extraCa: [pki.rootPem],
  });
  try {
    const narrower = await pki.issue([HOST], { name: 'names-narrower' });
    fs.writeFileSync(s.key, narrower.keyPem);
    fs.writeFileSync(s.cert, narrower.fullchainPem);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'refused');
    assert.match(
      outcome.kind === 'refused' ? (outcome.problems[0]?.message ?? '') : '',
      /does not cover 'www\.refuse\.test'/,
    );
    assert.equal(await servedSerial(server.port, HOST, pki.rootPem), s.serial);
  } finally {
    await server.close();
  }
});

test('an expired certificate is refused', async () => {
  const s = await site('expired');
  const server = await startReloadingServer({
    certPath: s.cert,
    keyPath: s.key,
    hosts: [HOST],
    extraCa: [pki.rootPem],
  });
  try {
    const expired = await pki.issue([HOST, `www.${HOST}`], {
      name: 'expired-bad',
      notBefore: new Date(Date.now() - 100 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    fs.writeFileSync(s.key, expired.keyPem);
    fs.writeFileSync(s.cert, expired.fullchainPem);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? (outcome.problems[0]?.message ?? '') : '', /expired on/);
    assert.equal(await servedSerial(server.port, HOST, pki.rootPem), s.serial);
  } finally {
    await server.close();
  }
});
