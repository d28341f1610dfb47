// Without ACME Renewal Information the manager renews when one third of the lifetime is left. pebble
// issues 12-second certificates here, so the renewal happens about 8 s after issuance.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readLineage } from '../../src/certs/acme/index.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

let env: AcmeEnv;
before(async () => {
  env = await startAcmeEnv('acme-renewal-lifetime', { validitySeconds: 12 });
});
after(() => env.close());

test('a certificate is renewed at one third of its lifetime left, replacing the one in live/', async () => {
  const { manager, events } = env.manager([env.site(['short.example.test'], 'http-01')]);
  await manager.start();
  const first = await events.waitFor((e) => e.event === 'certificate_issued');
  const scheduled = await events.waitFor(
    (e) => e.event === 'certificate_renewal_scheduled' && e['serial'] === first['serial'],
  );
  assert.equal(scheduled['source'], 'lifetime');
  const notBefore = Date.parse(String(first['not_before']));
  const notAfter = Date.parse(String(first['not_after']));
  const expected = notAfter - (notAfter - notBefore) / 3;
  assert.ok(
    Math.abs(Date.parse(String(scheduled['renew_at'])) - expected) < 1_000,
    JSON.stringify(scheduled),
  );

  const second = await events.waitFor(
    (e) => e.event === 'certificate_issued' && e['reason'] === 'renewal',
    60_000,
  );
  assert.equal(second['replaced_serial'], first['serial']);
  assert.notEqual(second['serial'], first['serial']);
  assert.equal((await readLineage(env.stateDir, 'short.example.test'))?.serialNumber, second['serial']);
  await manager.stop();
});
