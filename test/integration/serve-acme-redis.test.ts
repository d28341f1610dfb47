// Two `tlsterm serve` instances (two hosts: two state directories) share one ACME identity through
// Redis (`state: { backend: redis }`): only one orders the name (a lock in Redis), the other adopts
// the certificate it published, and both serve it. Challenge answers are shared too: an instance
// answers an HTTP-01 token another host's manager published.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { acmeRedisKeys, challengeKey } from '../../src/certs/acme/index.ts';
import { freePort } from '../helpers/net.ts';
import { request } from '../helpers/pebble.ts';
import { type ServeAcmeEnv, servedCertificate, startServeAcmeEnv, waitForAny } from './serve-acme-harness.ts';
import { type RedisServer, startRedis } from './state-redis-harness.ts';

let env: ServeAcmeEnv;
let redis: RedisServer;
before(async () => {
  redis = await startRedis();
  env = await startServeAcmeEnv('serve-acme-redis');
});
after(async () => {
  await env.close();
  await redis.stop();
});

const get = (port: number, target: string): Promise<{ status: number; body: string }> =>
  request(`http://127.0.0.1:${port}${target}`, { headers: { host: 'x.example.test' } });

test('two instances sharing Redis: one order, the other adopts it, both serve the issued certificate', async () => {
  const hosts = ['shared.example.test'];
  const state = `state: { backend: redis, url: "${redis.url()}" }`;
  // A gets the ports pebble validates on; B listens elsewhere. Whichever orders, A answers pebble.
  const a = env.config({
    sites: [{ hosts, challenge: 'http-01' }],
    extra: state,
    stateDir: path.join(env.dir, 'a'),
  });
  const bHttp = await freePort();
  const bTls = await freePort();
  const b = env.config({
    sites: [{ hosts, challenge: 'http-01' }],
    extra: state,
    stateDir: path.join(env.dir, 'b'),
    httpPort: bHttp,
    tlsPort: bTls,
  });
  const [serveA, serveB] = await Promise.all([env.serve(a), env.serve(b)]);

  const issued = await waitForAny([serveA, serveB], (e) => e.event === 'certificate_issued', 30_000);
  const [orderer, adopter] =
    serveA.named('certificate_issued').length > 0 ? [serveA, serveB] : [serveB, serveA];
  const adopted = await adopter.waitFor((e) => e.event === 'certificate_adopted');
  assert.equal(adopted['serial'], issued['serial']);
  assert.equal(orderer.named('certificate_order_started').length, 1);
  assert.equal(adopter.named('certificate_order_started').length, 0, 'the other instance never ordered');
  assert.equal(adopter.named('certificate_issued').length, 0);

  for (const [serve, port] of [
    [serveA, env.tlsPort],
    [serveB, bTls],
  ] as const) {
    await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial']);
    const served = await servedCertificate(port, 'shared.example.test');
    assert.equal(served.serialNumber, issued['serial']);
    assert.match(served.issuer, /Pebble Intermediate CA/);
  }
  const keys = (await redis.cli(['--scan', '--pattern', 'tlsterm:acme:*'])).split('\n').sort();
  assert.ok(keys.includes('tlsterm:acme:certificate:shared.example.test'), keys.join(' '));
  assert.ok(
    keys.some((k) => k.startsWith('tlsterm:acme:account:')),
    keys.join(' '),
  );
  assert.ok(!keys.some((k) => k.startsWith('tlsterm:acme:lock:')), 'the order lock was released');

  // A token published by some host's manager is answered by every instance's port 80.
  const token = 'shared-token_0123456789';
  await redis.cli([
    'SET',
    acmeRedisKeys().challenge(challengeKey.http01(token)),
    `${token}.thumbprint`,
    'PX',
    '60000',
  ]);
  for (const port of [env.httpPort, bHttp]) {
    const answer = await get(port, `/.well-known/acme-challenge/${token}`);
    assert.deepEqual(answer, { status: 200, body: `${token}.thumbprint` });
  }
});
