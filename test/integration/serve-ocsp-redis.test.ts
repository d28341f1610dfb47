// OCSP responses shared through Redis (`state: redis`): a host that starts with an empty state_dir
// while the responder is down staples the response another host fetched.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { type OcspResponder, ocspUrlFor, startOcspResponder } from '../helpers/ocsp-responder.ts';
import { type ChainFiles, makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, sClient, startServe } from './serve-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let responder: OcspResponder;
let redis: RedisServer;
let leaf: ChainFiles;
const serves: ServeProcess[] = [];

const config = (host: string): string => `state_dir: ${tmp.dir}/${host}
extra_ca: [${pki.rootPath}]
state: { backend: redis, url: "${redis.url()}", prefix: "ocsptest:" }
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.test]
        certificates: [{ cert: ${leaf.fullchainPath}, key: ${leaf.keyPath} }]
        handler: inspect
`;

before(async () => {
  tmp = makeTempDir('serve-ocsp-redis');
  pki = await makePki(tmp.dir);
  redis = await startRedis();
  const port = await freePort();
  leaf = await pki.issue(['a.test'], { name: 'a', ocspUrl: ocspUrlFor(port) });
  responder = await startOcspResponder(path.join(tmp.dir, 'responder'), {
    port,
    caPath: pki.intermediatePath,
    signerPath: pki.intermediatePath,
    signerKeyPem: pki.intermediateKeyPem,
    statuses: [{ certPem: leaf.certPem, status: 'good' }],
  });
});

after(async () => {
  for (const s of serves) await s.stop();
  await responder?.stop();
  await redis?.stop();
  tmp?.cleanup();
});

test('a second host staples from Redis what the first fetched, with the responder down', async () => {
  const first = await startServe(path.join(tmp.dir), config('host-a'), ['--workers', '1'], 'a.yaml');
  serves.push(first);
  await first.waitFor((e) => e['event'] === 'ocsp_fetched', 20_000);
  const fp = crypto.createHash('sha256').update(new crypto.X509Certificate(leaf.certPem).raw).digest('hex');
  const ttl = Number((await redis.cli(['PTTL', `ocsptest:ocsp:${fp}`])).trim());
  assert.ok(ttl > 50 * 60_000 && ttl <= 60 * 60_000, `PTTL ${ttl}`);
  await first.stop();
  await responder.stop();

  const second = await startServe(path.join(tmp.dir), config('host-b'), ['--workers', '1'], 'b.yaml');
  serves.push(second);
  const failed = await second.waitFor((e) => e['event'] === 'ocsp_failed', 20_000).catch(() => undefined);
  // The Redis copy is valid past its refresh time only when the window is long: with an hour's
  // window the refresh is due at once, so the host asks, fails, and keeps stapling the copy.
  assert.equal(failed?.['stapled'], true);
  let out = '';
  for (let i = 0; i < 20 && !out.includes('Cert Status'); i++) {
    out = sClient(second.port, ['-servername', 'a.test', '-status']);
    if (!out.includes('Cert Status')) await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(out, /OCSP Response Status: successful/);
  assert.match(out, /Cert Status: good/);
});
