// Several instances share one ACME identity (here: one state directory, file locks and file
// challenge store). Only one orders a name at a time; the others see the lock, wait, and then find
// the certificate the winner wrote.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountPaths, readLineage } from '../../src/certs/acme/index.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

let env: AcmeEnv;
before(async () => {
  env = await startAcmeEnv('acme-shared-state');
});
after(() => env.close());

test('two managers on one state directory: one order, one account, both end on the same certificate', async () => {
  const site = env.site(['shared.example.test'], 'http-01');
  const a = env.manager([site]);
  const b = env.manager([site]);
  await Promise.all([a.manager.start(), b.manager.start()]);
  const issued = await Promise.race([
    a.events.waitFor((e) => e.event === 'certificate_issued'),
    b.events.waitFor((e) => e.event === 'certificate_issued'),
  ]);
  // The other one, once it looks again, plans the renewal of that same certificate.
  const [sa, sb] = await Promise.all([
    a.events.waitFor((e) => e.event === 'certificate_renewal_scheduled'),
    b.events.waitFor((e) => e.event === 'certificate_renewal_scheduled'),
  ]);
  assert.equal(sa['serial'], issued['serial']);
  assert.equal(sb['serial'], issued['serial']);
  const issuedCount =
    a.events.named('certificate_issued').length + b.events.named('certificate_issued').length;
  assert.equal(issuedCount, 1);
  const ordersStarted =
    a.events.named('certificate_order_started').length + b.events.named('certificate_order_started').length;
  assert.equal(ordersStarted, 1);
  assert.equal((await readLineage(env.stateDir, 'shared.example.test'))?.serialNumber, issued['serial']);
  const accounts = a.events.named('acme_account_ready').length + b.events.named('acme_account_ready').length;
  assert.equal(accounts, 1);
  assert.ok(accountPaths(env.stateDir, env.pebble.directoryUrl).keyPath);
});
