// A challenge that fails through `tlsterm serve`: the CA's problem document is logged, the order is
// retried with a backoff, the self-signed placeholder keeps serving (and `tlsterm cert status` says
// why), and once the challenge can succeed the issued certificate replaces the placeholder.
// The DNS hook "forgets" to publish the record while a flag file exists.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  type ServeAcmeEnv,
  servedCertificate,
  startServeAcmeEnv,
  tlsterm,
  writeDnsHook,
} from './serve-acme-harness.ts';

let env: ServeAcmeEnv;
before(async () => {
  env = await startServeAcmeEnv('serve-acme-failure');
});
after(() => env.close());

test('a failing challenge backs off and logs the problem document; the placeholder serves until a retry succeeds', async () => {
  const flag = path.join(env.dir, 'fail-dns');
  fs.writeFileSync(flag, '');
  const hook = path.join(env.dir, 'dns-hook.sh');
  writeDnsHook(
    hook,
    env.pebble.challtestsrvUrl,
    path.join(env.dir, 'dns-hook.log'),
    `[ "$1" = set ] && [ -e '${flag}' ] && exit 0`,
  );
  const hosts = ['retry.example.test'];
  const config = env.config({ sites: [{ hosts, challenge: 'dns-01', dnsHook: hook }] });
  const serve = await env.serve(config);

  const first = await serve.waitFor((e) => e.event === 'certificate_renewal_failed');
  const problem = first['problem'] as { type?: string; detail?: string } | null;
  assert.ok(problem, JSON.stringify(first));
  assert.match(String(problem.type), /^urn:ietf:params:acme:error:/);
  assert.match(String(first['error']), /_acme-challenge\.retry\.example\.test|TXT/i);
  assert.equal(first['serving_placeholder'], true);
  assert.equal(first['attempt'], 1);
  assert.ok(
    Number(first['retry_in_ms']) >= 500 && Number(first['retry_in_ms']) <= 2_000,
    String(first['retry_in_ms']),
  );

  // Meanwhile the placeholder is what clients get.
  const placeholder = await servedCertificate(env.tlsPort, 'retry.example.test');
  assert.equal(placeholder.selfSigned, true);
  assert.match(placeholder.subject, /tlsterm placeholder for retry\.example\.test/);
  assert.deepEqual(placeholder.sans, hosts);
  assert.equal(placeholder.serialNumber, first['serving_serial']);

  const second = await serve.waitFor((e) => e.event === 'certificate_renewal_failed' && e['attempt'] === 2);
  assert.equal(second['serving_serial'], first['serving_serial']);
  const status = await tlsterm(['cert', 'status', '-c', config]);
  assert.match(status.stdout, /acme \(retry\.example\.test, placeholder\)/, status.all);
  assert.match(status.stdout, /failing +\d+ attempts?: /, status.all);

  fs.rmSync(flag);
  const issued = await serve.waitFor((e) => e.event === 'certificate_issued');
  const failures = serve.named('certificate_renewal_failed');
  assert.ok(serve.events.indexOf(issued) > serve.events.indexOf(failures[failures.length - 1] ?? first));
  await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial']);
  const served = await servedCertificate(env.tlsPort, 'retry.example.test');
  assert.equal(served.serialNumber, issued['serial']);
  assert.match(served.issuer, /Pebble Intermediate CA/);
});
