// Built-in ACME through `tlsterm serve`, TLS-ALPN-01: pebble's validation handshakes (ALPN
// acme-tls/1) reach the TLS listener and are answered by the challenge server before SNI routing
// and strict_sni (the site's own TLS server offers only h2 and http/1.1 and would refuse them), then
// the issued certificate is served.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sClientAsync } from '../helpers/run.ts';
import { type ServeAcmeEnv, servedCertificate, startServeAcmeEnv } from './serve-acme-harness.ts';

let env: ServeAcmeEnv;
before(async () => {
  env = await startServeAcmeEnv('serve-acme-tls-alpn01');
});
after(() => env.close());

test('TLS-ALPN-01: acme-tls/1 handshakes answered on the TLS port (strict_sni on), then the issued certificate served', async () => {
  const hosts = ['alpn.example.test', 'api.alpn.example.test'];
  const serve = await env.serve(
    env.config({ sites: [{ hosts, challenge: 'tls-alpn-01' }], strictSni: true }),
  );

  const issued = await serve.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['challenge'], 'tls-alpn-01');
  const validations = serve.named('acme_tls_alpn01');
  for (const host of hosts)
    assert.ok(
      validations.some((e) => e['servername'] === host && e['challenge_known'] === true),
      `${host} validated: ${JSON.stringify(validations)}`,
    );
  // Validation handshakes are the CA's, not failed client handshakes.
  assert.deepEqual(serve.named('handshake_failed'), []);

  await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial']);
  const served = await servedCertificate(env.tlsPort, 'api.alpn.example.test');
  assert.equal(served.serialNumber, issued['serial']);
  assert.match(served.issuer, /Pebble Intermediate CA/);
  assert.deepEqual(served.sans, [...hosts].sort());

  const s = await sClientAsync(env.tlsPort, [
    '-servername',
    'alpn.example.test',
    '-CAfile',
    env.rootPath,
    '-verify_hostname',
    'alpn.example.test',
  ]);
  assert.match(s.all, /issuer=CN ?= ?Pebble Intermediate CA/, s.all);
  assert.match(s.all, /Verify return code: 0 \(ok\)/, s.all);

  // acme-tls/1 from a client when no challenge is pending: no certificate, and no site answers it.
  const probe = await sClientAsync(env.tlsPort, ['-servername', 'alpn.example.test', '-alpn', 'acme-tls/1']);
  assert.doesNotMatch(probe.all, /issuer=CN ?= ?Pebble/, probe.all);
  await serve.waitFor((e) => e.event === 'acme_tls_alpn01' && e['challenge_known'] === false);
});
