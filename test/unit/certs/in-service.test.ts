// What the daily expiry check looks at: every certificate a plan serves, read from its files at the
// time of the check, labelled with where it comes from (the hint depends on it).

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensurePlaceholderCertificate, writeLineageVersion } from '../../../src/certs/acme/index.ts';
import { certificatesInService } from '../../../src/certs/in-service.ts';
import { buildDefaultPlan, checkConfigText } from '../../../src/config/index.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
before(async () => {
  tmp = makeTempDir('in-service');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

test("the embedded default's certificate comes from the local CA", async () => {
  const plan = await buildDefaultPlan(path.join(tmp.dir, 'state-default'));
  const [only, ...rest] = certificatesInService(plan);
  assert.deepEqual(rest, []);
  assert.equal(only?.source, 'local-ca');
  assert.equal(only?.id, 'listeners[0].sites[0].certificates[0]');
});

test('ACME sites count once issued (a placeholder does not), files as files, read at each call', async () => {
  const stateDir = path.join(tmp.dir, 'state');
  await ensurePlaceholderCertificate(stateDir, 'acme.example.test', ['acme.example.test']);
  const r = await checkConfigText(
    `state_dir: ${stateDir}
extra_ca: [${pki.rootPath}]
listeners:
  - { name: http, address: "127.0.0.1:0", http: {} }
  - address: 127.0.0.1:0
    sites:
      - { hosts: [example.test], certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }], handler: inspect }
      - { hosts: [acme.example.test], acme: { directory: letsencrypt }, handler: inspect }
      - { hosts: [pass.example.test], mode: passthrough, upstream: "tcp://127.0.0.1:9" }
`,
    path.join(tmp.dir, 'tlsterm.yaml'),
  );
  assert.ok(r.plan, JSON.stringify(r.problems));
  assert.deepEqual(
    certificatesInService(r.plan).map((c) => [c.id, c.source]),
    [['listeners[1].sites[0].certificates[0]', 'files']],
  );
  const issued = await pki.issue(['acme.example.test'], { name: 'acme', validDays: 10 });
  await writeLineageVersion(stateDir, 'acme.example.test', issued);
  const now = certificatesInService(r.plan);
  assert.deepEqual(
    now.map((c) => [c.id, c.source]),
    [
      ['listeners[1].sites[0].certificates[0]', 'files'],
      ['listeners[1].sites[1].acme', 'acme'],
    ],
  );
  assert.match(now[1]?.subject ?? '', /CN=acme\.example\.test/);
});
