// Built-in ACME against a real CA (pebble), HTTP-01: the site serves a self-signed placeholder at
// once, the manager answers the challenge through the ChallengeStore that port 80 reads, stores the
// issued chain in certbot's layout, and the serving side's file watcher swaps it in.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { accountPaths, lineagePaths } from '../../src/certs/acme/index.ts';
import { loadCertificatePair } from '../../src/certs/load-pair.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';
import { servedSerial, startReloadingServer } from './cert-reload-harness.ts';

const HOSTS = ['http.example.test', 'www.http.example.test'];
let env: AcmeEnv;

before(async () => {
  env = await startAcmeEnv('acme-http01');
});
after(() => env.close());

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

function peerIssuer(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      resolve(String(s.getPeerCertificate().issuer.CN ?? ''));
      s.end();
    });
    s.on('error', reject);
  });
}

test('HTTP-01: placeholder first, then a pebble-issued chain in certbot layout, picked up by the file watcher', async () => {
  const { manager, events } = env.manager([env.site(HOSTS, 'http-01')]);
  await manager.start();
  const live = lineagePaths(env.stateDir, 'http.example.test');

  // Before any issuance the files exist and hold a self-signed certificate for the hosts.
  const placeholder = await loadCertificatePair(live.fullchain, live.privkey);
  assert.ok(placeholder.pair, JSON.stringify(placeholder.problems));
  assert.deepEqual([...placeholder.pair.sans].sort(), [...HOSTS].sort());
  assert.match(placeholder.pair.subject, /tlsterm placeholder/);

  const root = await env.pebble.issuingRootPem();
  const server = await startReloadingServer({
    certPath: live.fullchain,
    keyPath: live.privkey,
    hosts: HOSTS,
    extraCa: [root],
  });
  let issued: Record<string, unknown>;
  try {
    assert.match(await peerIssuer(server.port, HOSTS[0] ?? ''), /tlsterm placeholder/);

    issued = await events.waitFor((e) => e.event === 'certificate_issued');
    assert.equal(issued['reason'], 'placeholder');
    assert.match(String(issued['issuer']), /Pebble Intermediate CA/);
    assert.ok(env.responders.seen.http.some((p) => p.startsWith('/.well-known/acme-challenge/')));

    // The watcher swaps it in: new handshakes verify against pebble's root.
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'reloaded', JSON.stringify(outcome));
    assert.equal(await servedSerial(server.port, HOSTS[1] ?? '', root), issued['serial']);
  } finally {
    await server.close();
  }

  // certbot's layout: live/ symlinks into archive/, version 1 the placeholder, 2 the real one.
  for (const f of ['cert', 'chain', 'fullchain', 'privkey'] as const) {
    assert.equal(fs.readlinkSync(live[f]), `../../archive/http.example.test/${f}2.pem`);
    assert.equal(mode(path.join(live.archiveDir, `${f}2.pem`)), f === 'privkey' ? 0o600 : 0o644);
  }
  const leaf = new crypto.X509Certificate(fs.readFileSync(live.cert));
  const chain = new crypto.X509Certificate(fs.readFileSync(live.chain));
  assert.ok(leaf.checkIssued(chain), 'chain.pem holds the issuer of cert.pem');
  assert.equal(
    fs.readFileSync(live.fullchain, 'utf8'),
    fs.readFileSync(live.cert, 'utf8') + fs.readFileSync(live.chain, 'utf8'),
  );
  const withRoot = await loadCertificatePair(live.fullchain, live.privkey, { extraCa: [root] });
  assert.deepEqual(
    withRoot.problems.filter((p) => p.severity === 'error'),
    [],
  );

  const account = accountPaths(env.stateDir, env.pebble.directoryUrl);
  assert.equal(mode(account.keyPath), 0o600);
  assert.match(
    JSON.parse(fs.readFileSync(account.metaPath, 'utf8')).url,
    /^https:\/\/127\.0\.0\.1:\d+\/my-account\//,
  );

  // The challenge answer is withdrawn after validation.
  assert.deepEqual(fs.readdirSync(path.join(env.stateDir, 'acme', 'challenges')), []);
  const status = manager.status()[0];
  assert.equal(status?.state, 'valid');
  assert.equal(status?.serial, issued['serial']);
  await manager.stop();
});

test('a restarted manager reuses the account and the certificate instead of ordering again', async () => {
  const account = accountPaths(env.stateDir, env.pebble.directoryUrl);
  const keyBefore = fs.readFileSync(account.keyPath, 'utf8');
  const { manager, events } = env.manager([env.site(HOSTS, 'http-01')]);
  await manager.start();
  const scheduled = await events.waitFor((e) => e.event === 'certificate_renewal_scheduled');
  assert.equal(scheduled['source'], 'lifetime');
  assert.equal(events.named('certificate_placeholder').length, 0);
  assert.equal(events.named('certificate_order_started').length, 0);
  assert.equal(fs.readFileSync(account.keyPath, 'utf8'), keyBefore);
  // Renewal at one third of lifetime left: pebble's default lifetime is 5 years.
  const notAfter = Date.parse(String(scheduled['not_after']));
  const renewAt = Date.parse(String(scheduled['renew_at']));
  assert.ok(renewAt < notAfter && renewAt > Date.now(), JSON.stringify(scheduled));
  await manager.stop();
});
