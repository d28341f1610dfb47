// The certificate side of serve, run once per host: the expiry rule over every certificate in
// service (files, local CA, ACME; not an ACME placeholder) at start and on demand, and the ACME
// manager for the plan's ACME sites (here against a CA that refuses everything: nothing to issue,
// but the manager runs and stops cleanly).

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigText } from '../../../../src/config/index.ts';
import { prepareAcmeSites } from '../../../../src/serve/acme/prepare.ts';
import { acmeTimingFromEnv, startAcmeService } from '../../../../src/serve/acme/service.ts';
import { type FailingAcmeCa, startFailingAcmeCa } from '../../../helpers/failing-acme-ca.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { makePki, makeTempDir, type Pki } from '../../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
let ca: FailingAcmeCa;
let directory: string;
before(async () => {
  tmp = makeTempDir('acme-service');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  ca = await startFailingAcmeCa();
  directory = ca.directory;
});
after(async () => {
  await ca.close();
  tmp.cleanup();
});

test('TLSTERM_ACME_FAST_RETRY=1 shortens the clocks; anything else keeps the defaults', () => {
  assert.deepEqual(acmeTimingFromEnv({}), {});
  assert.deepEqual(acmeTimingFromEnv({ TLSTERM_ACME_FAST_RETRY: 'yes' }), {});
  assert.equal(acmeTimingFromEnv({ TLSTERM_ACME_FAST_RETRY: '1' }).backoff?.baseMs, 1_000);
});

test('expiry at start: a warning under 14 days, an error under 3, nothing for the placeholder; the manager runs for the ACME site', async () => {
  const soon = await pki.issue(['soon.test'], { name: 'soon', validDays: 9 });
  const dying = await pki.issue(['dying.test'], { name: 'dying', validDays: 2 });
  const fine = await pki.issue(['fine.test'], { name: 'fine', validDays: 80 });
  const site = (host: string, c: { fullchainPath: string; keyPath: string }) =>
    `      - { hosts: [${host}], certificates: [{ cert: ${c.fullchainPath}, key: ${c.keyPath} }], handler: inspect }`;
  const r = await checkConfigText(
    `state_dir: ${path.join(tmp.dir, 'state')}
extra_ca: [${pki.rootPath}]
listeners:
  - { name: http, address: "127.0.0.1:0", http: {} }
  - address: 127.0.0.1:0
    sites:
${site('soon.test', soon)}
${site('dying.test', dying)}
${site('fine.test', fine)}
      - { hosts: [acme.test], acme: { directory: "${directory}" }, handler: inspect }
`,
    path.join(tmp.dir, 'tlsterm.yaml'),
  );
  assert.ok(r.plan, JSON.stringify(r.problems));
  const events = collectEvents();
  const plan = await prepareAcmeSites(r.plan, events.log);
  const service = await startAcmeService({
    plan,
    log: events.log,
    timing: { backoff: { baseMs: 600_000, capMs: 600_000 } },
  });
  try {
    const expiry = events.named('certificate_expiry');
    assert.deepEqual(
      expiry.map((e) => [e['id'], e['level'], e['days_left']]),
      [
        ['listeners[1].sites[1].certificates[0]', 'error', 1],
        ['listeners[1].sites[0].certificates[0]', 'warning', 8],
      ],
    );
    assert.match(String(expiry[1]?.['hint']), /certbot renew/);
    assert.ok(service.manager);
    assert.equal(events.named('acme_manager_started').length, 1);
    await events.waitFor((e) => e.event === 'certificate_renewal_failed', 20_000);
    assert.equal(service.manager.status()[0]?.state, 'placeholder');

    service.checkExpiry();
    assert.equal(events.named('certificate_expiry').length, 4, 'the check runs again on demand');
  } finally {
    await service.stop();
  }
});
