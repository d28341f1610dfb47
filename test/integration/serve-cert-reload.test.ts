// A certificate replaced on disk is served without a reload, under load, failing no request; a
// mismatched key is refused and the old pair keeps serving (seed 001: "renewed but never reloaded").
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type tls from 'node:tls';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let certPath: string;
let keyPath: string;

before(async () => {
  tmp = makeTempDir('serve-reload');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const live = path.join(tmp.dir, 'live');
  fs.mkdirSync(live);
  certPath = path.join(live, 'fullchain.pem');
  keyPath = path.join(live, 'privkey.pem');
  fs.writeFileSync(certPath, pki.chains.ec.fullchainPem);
  fs.writeFileSync(keyPath, pki.chains.ec.keyPem);
  serve = await startServe(
    tmp.dir,
    `${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${certPath}, key: ${keyPath} }]
        handler: inspect
`,
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

/** One request on a new connection; the leaf's serial, or the error. */
const fetchSerial = () =>
  new Promise<{ serial?: string; error?: string }>((resolve) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port: serve.port,
        servername: 'example.test',
        ca: pki.rootPem,
        agent: false,
        path: '/',
        headers: { accept: 'application/json', host: 'example.test' },
      },
      (res) => {
        const serial = (res.socket as tls.TLSSocket).getPeerX509Certificate()?.serialNumber;
        res.resume();
        res.on('end', () =>
          resolve(res.statusCode === 200 ? { serial } : { error: `status ${res.statusCode}` }),
        );
      },
    );
    req.on('error', (e) => resolve({ error: e.message }));
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });

async function until(pred: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('a renewed pair written by rename is served within seconds; no request fails meanwhile', async () => {
  const before = await fetchSerial();
  assert.ok(before.serial);
  const renewed = await pki.issue(['example.test', '*.example.test'], { name: 'renewed' });
  const failures: string[] = [];
  const serials = new Set<string>();
  let stop = false;
  // A bounded load loop: sequential new connections for at most 10 s / 400 requests.
  const load = (async () => {
    for (let i = 0; i < 400 && !stop; i++) {
      const r = await fetchSerial();
      if (r.error) failures.push(r.error);
      else if (r.serial) serials.add(r.serial);
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  // certbot-style: write new files next to the old ones, rename over (key first, then chain).
  fs.writeFileSync(`${keyPath}.new`, renewed.keyPem);
  fs.writeFileSync(`${certPath}.new`, renewed.fullchainPem);
  fs.renameSync(`${keyPath}.new`, keyPath);
  fs.renameSync(`${certPath}.new`, certPath);
  const switched = await until(async () => (await fetchSerial()).serial !== before.serial, 8000);
  stop = true;
  await load;
  assert.ok(switched, 'new connections see the new serial');
  assert.deepEqual(failures, []);
  // Every worker swapped, not just the first to notice: the next connections all get the new pair.
  await until(async () => {
    const seen = await Promise.all(Array.from({ length: 6 }, () => fetchSerial()));
    return seen.every((r) => r.serial !== before.serial);
  }, 8000);
  for (let i = 0; i < 6; i++) assert.notEqual((await fetchSerial()).serial, before.serial);
  // And as openssl sees it.
  const shown = await sClientAsync(serve.port, ['-servername', 'example.test', '-showcerts']);
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(shown.stdout)?.[0];
  assert.ok(leaf, shown.stdout);
  const serial = await run('openssl', ['x509', '-noout', '-serial'], { input: leaf });
  assert.equal(
    serial.stdout
      .trim()
      .replace(/^serial=/, '')
      .toUpperCase(),
    new crypto.X509Certificate(renewed.certPem).serialNumber.toUpperCase(),
  );
  const e = await serve.waitFor((x) => x['event'] === 'certificate_reloaded', 5000);
  assert.equal(e['previous_serial'], before.serial);
});

test('a key that does not match is refused; the pair in service keeps serving', async () => {
  const serving = (await fetchSerial()).serial;
  const other = await pki.issue(['example.test'], { name: 'other' });
  fs.writeFileSync(keyPath, other.keyPem); // in place, and wrong for the certificate in cert
  const refused = await serve.waitFor((x) => x['event'] === 'certificate_reload_refused', 8000);
  assert.match(JSON.stringify(refused['problems']), /does not match|not match/i);
  assert.equal((await fetchSerial()).serial, serving);
});
