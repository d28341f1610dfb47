// Failures never take down the certificate in service: a challenge the CA cannot validate is logged
// with the CA's problem document, retried after a backoff, and the site keeps serving what it had.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readLineage, readRenewalRecord } from '../../src/certs/acme/index.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

let env: AcmeEnv;
before(async () => {
  env = await startAcmeEnv('acme-failure');
});
after(() => env.close());

test("a failed HTTP-01 validation is logged with the CA's problem document, then retried until it works", async () => {
  env.responders.failNextHttp(1);
  const { manager, events } = env.manager([env.site(['retry.example.test'], 'http-01')]);
  await manager.start();
  const placeholder = await readLineage(env.stateDir, 'retry.example.test');
  const failed = await events.waitFor((e) => e.event === 'certificate_renewal_failed');
  const problem = failed['problem'] as { type: string; detail: string } | null;
  assert.ok(problem, JSON.stringify(failed));
  assert.equal(problem.type, 'urn:ietf:params:acme:error:unauthorized');
  assert.match(problem.detail, /404/);
  assert.match(String(failed['error']), /^unauthorized: .*404/);
  assert.match(String(failed['hint']), /port 80/);
  assert.equal(failed['attempt'], 1);
  assert.equal(failed['serving_serial'], placeholder?.serialNumber);
  assert.equal(failed['serving_placeholder'], true);

  const issued = await events.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['reason'], 'placeholder');
  const order = events.events.indexOf(failed) < events.events.indexOf(issued);
  assert.ok(order, 'the success came after the failure');
  const record = await readRenewalRecord(env.stateDir, 'retry.example.test');
  assert.equal(record?.failures, 0);
  assert.equal(record?.serial, issued['serial']);
  await manager.stop();
});

test('a failed renewal keeps the certificate in service and records the failure for `cert status`', async () => {
  const site = env.site(['keep.example.test'], 'http-01');
  const first = env.manager([site]);
  await first.manager.start();
  const issued = await first.events.waitFor((e) => e.event === 'certificate_issued');
  await first.manager.stop();
  // pebble may hand an account its earlier valid authorization even with PEBBLE_AUTHZREUSE=0 (it
  // reuses when rand(100) is not above the percentage): a fresh account makes the CA validate again.
  fs.renameSync(path.join(env.stateDir, 'acme', 'accounts'), path.join(env.dir, 'retired-accounts'));

  const { manager, events } = env.manager([site], { backoff: { baseMs: 3_600_000, capMs: 3_600_000 } });
  await manager.start();
  env.responders.failNextHttp(1_000);
  const seenBefore = env.responders.seen.http.length;
  try {
    const renewed = await manager.renewNow('keep.example.test');
    assert.equal(
      renewed,
      false,
      `renewal should fail; challenge requests ${JSON.stringify(env.responders.seen.http.slice(seenBefore))}; events ${JSON.stringify(events.events)}`,
    );
  } finally {
    env.responders.failNextHttp(0);
  }
  const failed = events.named('certificate_renewal_failed')[0];
  assert.ok(failed);
  assert.equal(failed['reason'], 'requested');
  assert.equal(failed['serving_serial'], issued['serial']);
  assert.equal(failed['serving_placeholder'], false);
  assert.equal((await readLineage(env.stateDir, 'keep.example.test'))?.serialNumber, issued['serial']);
  assert.equal(manager.status()[0]?.state, 'failing');
  const record = await readRenewalRecord(env.stateDir, 'keep.example.test');
  assert.equal(record?.failures, 1);
  assert.equal(record?.lastProblem?.type, 'urn:ietf:params:acme:error:unauthorized');
  assert.ok(record?.nextAttemptAt && Date.parse(record.nextAttemptAt) > Date.now() + 1_000_000);
  await manager.stop();
});
