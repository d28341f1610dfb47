// Built-in ACME through `tlsterm serve`, HTTP-01: tlsterm's own port-80 listener answers pebble's
// validation requests, the placeholder written at start is replaced by pebble's certificate without
// a restart, and `tlsterm cert status` shows the issued certificate and its next renewal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { type ServeAcmeEnv, servedCertificate, startServeAcmeEnv, tlsterm } from './serve-acme-harness.ts';

let env: ServeAcmeEnv;
before(async () => {
  env = await startServeAcmeEnv('serve-acme-http01');
});
after(() => env.close());

const get = (port: number, target: string, host: string): Promise<{ status: number; location?: string }> =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, headers: { host } }, (res) => {
        res.resume();
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
        });
      })
      .on('error', reject);
  });

test('HTTP-01: placeholder at start, pebble validates on the port-80 listener, the issued certificate is served without a restart', async () => {
  const hosts = ['http01.example.test', 'www.http01.example.test'];
  const config = env.config({ sites: [{ hosts, challenge: 'http-01' }] });
  const serve = await env.serve(config);

  const placeholder = await serve.waitFor((e) => e.event === 'certificate_placeholder');
  assert.deepEqual(placeholder['hosts'], hosts);
  const issued = await serve.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['reason'], 'placeholder');
  assert.equal(issued['challenge'], 'http-01');
  const answered = serve.named('acme_http01').filter((e) => e['token_known'] === true);
  assert.ok(answered.length >= hosts.length, `pebble's requests were answered: ${JSON.stringify(answered)}`);

  // The serving process picks the new files up by itself.
  const reloaded = await serve.waitFor(
    (e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial'],
  );
  assert.notEqual(reloaded['previous_serial'], issued['serial']);
  assert.equal(serve.named('certificate_reload_refused').length, 0);
  const root = fs.readFileSync(env.rootPath, 'utf8');
  for (const name of hosts) {
    const served = await servedCertificate(env.tlsPort, name, root);
    assert.equal(served.serialNumber, issued['serial']);
    assert.match(served.issuer, /Pebble Intermediate CA/);
    assert.deepEqual(served.sans, [...hosts].sort());
    assert.equal(served.authorized, true, `${name}: the chain verifies against pebble's root`);
  }

  // Everything else on port 80 still goes to HTTPS.
  const redirect = await get(env.httpPort, '/shop?x=1', 'http01.example.test');
  assert.equal(redirect.status, 308);
  assert.equal(redirect.location, `https://http01.example.test:${env.tlsPort}/shop?x=1`);

  const status = await tlsterm(['cert', 'status', '-c', config]);
  assert.equal(status.code, 0, status.all);
  assert.match(status.stdout, /listeners\[1\]\.sites\[0\]\.acme {2}acme \(http01\.example\.test, issued\)/);
  assert.match(status.stdout, new RegExp(`serial +${String(issued['serial'])}`));
  assert.match(status.stdout, /issuer +CN=Pebble Intermediate CA/);
  assert.match(
    status.stdout,
    /renewal +\d{4}-\d\d-\d\d \d\d:\d\d UTC \((one third of lifetime left|ACME Renewal Information)\)/,
  );
  await serve.stop(); // the next test listens on the same ports
});

test('a reload (SIGHUP) that adds an ACME site: its certificate is ordered and served; the existing one is kept', async () => {
  const config = env.config({ sites: [{ hosts: ['first.example.test'], challenge: 'http-01' }] });
  const serve = await env.serve(config);
  const first = await serve.waitFor(
    (e) => e.event === 'certificate_issued' && e['name'] === 'first.example.test',
  );
  const started = await serve.waitFor((e) => e.event === 'started');

  env.config(
    {
      sites: [
        { hosts: ['first.example.test'], challenge: 'http-01' },
        { hosts: ['added.example.test'], challenge: 'http-01' },
      ],
    },
    config,
  );
  process.kill(Number(started['pid']), 'SIGHUP');
  await serve.waitFor((e) => e.event === 'reloaded');
  const issued = await serve.waitFor(
    (e) => e.event === 'certificate_issued' && e['name'] === 'added.example.test',
  );
  assert.equal(
    serve.named('certificate_issued').filter((e) => e['name'] === 'first.example.test').length,
    1,
    'the first certificate is not ordered again',
  );
  await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial']);
  assert.equal((await servedCertificate(env.tlsPort, 'added.example.test')).serialNumber, issued['serial']);
  assert.equal((await servedCertificate(env.tlsPort, 'first.example.test')).serialNumber, first['serial']);
});
