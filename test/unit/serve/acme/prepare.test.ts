// Before the listeners start, every ACME site gets something to serve from live/<name>/: a
// placeholder written once, or whatever a previous run left there (even expired), so the file
// watcher follows live/ and swaps the issued certificate in.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lineagePaths, writeLineageVersion } from '../../../../src/certs/acme/index.ts';
import { checkConfigText } from '../../../../src/config/index.ts';
import type { Plan } from '../../../../src/config/plan.ts';
import { prepareAcmeSites } from '../../../../src/serve/acme/prepare.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { makePki, makeTempDir, type Pki } from '../../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
before(async () => {
  tmp = makeTempDir('acme-prepare');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

async function planFor(stateDir: string, hosts: string): Promise<Plan> {
  const r = await checkConfigText(
    `state_dir: ${stateDir}
listeners:
  - { name: http, address: "127.0.0.1:0", http: {} }
  - name: a
    address: 127.0.0.1:0
    sites:
      - hosts: ${hosts}
        acme: { directory: letsencrypt }
        handler: inspect
  - name: b
    address: 127.0.0.2:0
    sites:
      - hosts: ${hosts}
        acme: { directory: letsencrypt }
        handler: inspect
      - { hosts: [example.test], certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }], handler: inspect }
extra_ca: [${pki.rootPath}]
`,
    path.join(tmp.dir, 'tlsterm.yaml'),
  );
  assert.ok(r.plan, JSON.stringify(r.problems));
  return r.plan;
}

test('a placeholder is written once and served by every site of the lineage; other sites are untouched', async () => {
  const stateDir = path.join(tmp.dir, 'state-new');
  const plan = await planFor(stateDir, '[new.example.test, www.new.example.test]');
  assert.deepEqual(plan.listeners[0]?.sites[0]?.certificates, []);
  const events = collectEvents();
  const prepared = await prepareAcmeSites(plan, events.log);
  assert.equal(events.named('certificate_placeholder').length, 1);
  const live = lineagePaths(stateDir, 'new.example.test');
  const [a, b, files] = [
    prepared.listeners[0]?.sites[0],
    prepared.listeners[1]?.sites[0],
    prepared.listeners[1]?.sites[1],
  ];
  assert.equal(a?.certificates[0]?.certPath, live.fullchain);
  assert.equal(a?.certificates[0]?.keyPath, live.privkey);
  assert.match(a?.certificates[0]?.subject ?? '', /tlsterm placeholder for new\.example\.test/);
  assert.deepEqual([...(a?.certificates[0]?.sans ?? [])].sort(), [
    'new.example.test',
    'www.new.example.test',
  ]);
  assert.equal(b?.certificates[0]?.serialNumber, a?.certificates[0]?.serialNumber);
  assert.equal(files, plan.listeners[1]?.sites[1], 'a files site is left as it was');

  const again = await prepareAcmeSites(plan, events.log);
  assert.equal(events.named('certificate_placeholder').length, 1, 'nothing written the second time');
  assert.equal(again.listeners[0]?.sites[0]?.certificates[0]?.serialNumber, a?.certificates[0]?.serialNumber);
});

test('an expired certificate from an earlier run is served until the new one arrives, not replaced by a placeholder', async () => {
  const stateDir = path.join(tmp.dir, 'state-old');
  const expired = await pki.scenario('expired', ['old.example.test']);
  await writeLineageVersion(stateDir, 'old.example.test', expired);
  const plan = await planFor(stateDir, '[old.example.test]');
  assert.deepEqual(plan.listeners[0]?.sites[0]?.certificates, [], 'check does not load an expired pair');
  const events = collectEvents();
  const prepared = await prepareAcmeSites(plan, events.log);
  assert.equal(events.named('certificate_placeholder').length, 0);
  const pair = prepared.listeners[0]?.sites[0]?.certificates[0];
  assert.ok(pair && pair.notAfter.getTime() < Date.now());
  assert.match(pair.subject, /CN=old\.example\.test/);
});
