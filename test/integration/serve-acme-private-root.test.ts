// A private ACME CA as it really is: pebble's root is in no trust store here, and not listed under
// extra_ca. Its chains are complete (leaf + "Pebble Intermediate CA"), so the issued certificate
// replaces the placeholder within seconds; only the trust anchor is unknown (a warning, never a
// refusal: before, hot reload refused it as "missing intermediate" and the placeholder stayed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { type ServeAcmeEnv, startServeAcmeEnv } from './serve-acme-harness.ts';

let env: ServeAcmeEnv;
before(async () => {
  env = await startServeAcmeEnv('serve-acme-private-root');
});
after(() => env.close());

test("without pebble's root in extra_ca, the issued certificate is served, not the placeholder", async () => {
  const host = 'private.example.test';
  const serve = await env.serve(
    env.config({ sites: [{ hosts: [host], challenge: 'http-01' }], extraCa: false }),
  );
  const issued = await serve.waitFor((e) => e.event === 'certificate_issued', 30_000);
  await serve.waitFor((e) => e.event === 'certificate_reloaded' && e['serial'] === issued['serial'], 10_000);
  assert.equal(serve.named('certificate_reload_refused').length, 0);

  // What a user's client sees: pebble's intermediate as issuer, and a chain that verifies against
  // pebble's root for whoever trusts it.
  const r = spawnSync(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${env.tlsPort}`, '-servername', host, '-CAfile', env.rootPath],
    { input: '', encoding: 'utf8', timeout: 8000 },
  );
  const out = `${r.stdout}${r.stderr}`;
  assert.match(out, /i:CN ?= ?Pebble Intermediate CA/, out);
  assert.match(out, /Verify return code: 0 \(ok\)/, out);
  assert.ok(fs.existsSync(env.rootPath));
  await serve.stop();
});
