// Built-in ACME, TLS-ALPN-01 (RFC 8737): the CA connects to the TLS port offering ALPN acme-tls/1;
// the responder answers with tlsAlpn01Certificate from the ChallengeStore.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { acmeSiteFromPlan, lineagePaths, readLineage } from '../../src/certs/acme/index.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

let env: AcmeEnv;
before(async () => {
  env = await startAcmeEnv('acme-tls-alpn01');
});
after(() => env.close());

test('TLS-ALPN-01: the acme-tls/1 handshake gets the challenge certificate and the CA issues', async () => {
  // As serve hands it over: the checked plan's acme block (CA trust as PEM text, no email).
  const site = acmeSiteFromPlan({
    hosts: ['alpn.example.test'],
    acme: {
      directory: env.pebble.directoryUrl,
      challenge: 'tls-alpn-01',
      caPem: env.pebble.caPem,
      lineage: 'alpn.example.test',
    },
  });
  const { manager, events } = env.manager([site]);
  await manager.start();
  const issued = await events.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['challenge'], 'tls-alpn-01');
  assert.ok(env.responders.seen.tlsAlpn.includes('alpn.example.test'), 'pebble validated through acme-tls/1');
  assert.equal(env.responders.seen.http.length, 0, 'no HTTP-01 request was needed');
  const live = await readLineage(env.stateDir, 'alpn.example.test');
  assert.equal(live?.serialNumber, issued['serial']);
  assert.equal(live?.selfSigned, false);
  assert.equal(lineagePaths(env.stateDir, 'alpn.example.test').name, 'alpn.example.test');
  // Withdrawn: a later acme-tls/1 handshake for the name finds nothing.
  assert.equal(await env.store.get('tls-alpn-01:alpn.example.test'), undefined);
});
