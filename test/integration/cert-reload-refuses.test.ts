// A bad new pair is refused and the old one keeps serving: a key that does not match, a certificate
// that no longer covers the site's hosts, an expired certificate. Each refusal says why, once; a
// good pair afterwards is taken.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { reloadEvent } from '../../src/certs/reload/index.ts';
import { reloadFixture, serialOf, servedSerial, withReloadingServer } from './cert-reload-harness.ts';

const HOST = 'refuse.test';

const fx = reloadFixture('cert-reload-refuses');
/** A site for both names, with a first pair. */
const site = (name: string) => fx.site(name, [HOST, `www.${HOST}`]);

test('a key that does not match is refused, the old pair keeps serving, and the refusal is logged once', async () => {
  const s = await site('mismatch');
  await withReloadingServer(
    s,
    { hosts: [HOST, `www.${HOST}`], extraCa: [fx.pki.rootPem] },
    async (server) => {
      const bad = await fx.pki.issue([HOST, `www.${HOST}`], { name: 'mismatch-bad', mismatchedKey: true });
      fs.writeFileSync(s.key, bad.keyPem);
      fs.writeFileSync(s.cert, bad.fullchainPem);
      const outcome = await server.nextOutcome(0);
      assert.equal(outcome.kind, 'refused');
      assert.equal(outcome.kind === 'refused' && outcome.keptSerial, s.serial);
      const event = reloadEvent(outcome, { certPath: s.cert, keyPath: s.key });
      assert.equal(event['event'], 'certificate_reload_refused');
      assert.match(
        JSON.stringify(event['problems']),
        /private key does not match certificate CN=refuse\.test/,
      );
      assert.doesNotMatch(JSON.stringify(event), /PRIVATE KEY/, 'no key material in the log event');
      assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), s.serial);

      // The same bad content again (an event, a poll): nothing new is reported.
      fs.writeFileSync(s.cert, bad.fullchainPem);
      await server.watcher.check();
      assert.equal(server.outcomes.length, 1);

      const good = await fx.pki.issue([HOST, `www.${HOST}`], { name: 'mismatch-good' });
      fs.writeFileSync(s.key, good.keyPem);
      fs.writeFileSync(s.cert, good.fullchainPem);
      const second = await server.nextOutcome(1);
      assert.equal(second.kind, 'reloaded', JSON.stringify(second));
      assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(good.certPem));
    },
  );
});

test('a certificate that drops one of the hosts is refused', async () => {
  const s = await site('names');
  await withReloadingServer(
    s,
    { hosts: [HOST, `www.${HOST}`], extraCa: [fx.pki.rootPem] },
    async (server) => {
      const narrower = await fx.pki.issue([HOST], { name: 'names-narrower' });
      fs.writeFileSync(s.key, narrower.keyPem);
      fs.writeFileSync(s.cert, narrower.fullchainPem);
      const outcome = await server.nextOutcome(0);
      assert.equal(outcome.kind, 'refused');
      assert.match(
        outcome.kind === 'refused' ? (outcome.problems[0]?.message ?? '') : '',
        /does not cover 'www\.refuse\.test'/,
      );
      assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), s.serial);
    },
  );
});

test('an expired certificate is refused', async () => {
  const s = await site('expired');
  await withReloadingServer(s, { hosts: [HOST], extraCa: [fx.pki.rootPem] }, async (server) => {
    const expired = await fx.pki.issue([HOST, `www.${HOST}`], {
      name: 'expired-bad',
      notBefore: new Date(Date.now() - 100 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    fs.writeFileSync(s.key, expired.keyPem);
    fs.writeFileSync(s.cert, expired.fullchainPem);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? (outcome.problems[0]?.message ?? '') : '', /expired on/);
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), s.serial);
  });
});
