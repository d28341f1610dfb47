// Built-in ACME through `tlsterm serve`, DNS-01: the user's hook publishes the TXT records (here in
// pebble-challtestsrv, the DNS server pebble asks), a wildcard and its base name are issued, and
// any name under the wildcard gets the issued certificate.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  type ServeAcmeEnv,
  servedCertificate,
  startServeAcmeEnv,
  writeDnsHook,
} from './serve-acme-harness.ts';

let env: ServeAcmeEnv;
before(async () => {
  env = await startServeAcmeEnv('serve-acme-dns01');
});
after(() => env.close());

test('DNS-01: a wildcard and its base name, records set and cleared by the hook, served for names under the wildcard', async () => {
  const hook = path.join(env.dir, 'dns-hook.sh');
  const hookLog = path.join(env.dir, 'dns-hook.log');
  writeDnsHook(hook, env.pebble.challtestsrvUrl, hookLog);
  const hosts = ['dns01.example.test', '*.dns01.example.test'];
  const serve = await env.serve(env.config({ sites: [{ hosts, challenge: 'dns-01', dnsHook: hook }] }));

  const issued = await serve.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['challenge'], 'dns-01');
  const calls = fs.readFileSync(hookLog, 'utf8').trim().split('\n');
  assert.equal(
    calls.filter((l) => l === 'set _acme-challenge.dns01.example.test').length,
    2,
    calls.join('\n'),
  );
  assert.equal(
    calls.filter((l) => l === 'clear _acme-challenge.dns01.example.test').length,
    2,
    calls.join('\n'),
  );

  await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial']);
  const root = fs.readFileSync(env.rootPath, 'utf8');
  const served = await servedCertificate(env.tlsPort, 'shop.dns01.example.test', root);
  assert.equal(served.serialNumber, issued['serial']);
  assert.deepEqual(served.sans, ['*.dns01.example.test', 'dns01.example.test']);
  assert.equal(served.authorized, true);
});
