// Several hosts, one ACME identity: a manager takes what another instance published in the shared
// store instead of ordering (here the CA refuses everything, so any order would show as a failure),
// replaces a placeholder or an older certificate with it, never a newer one, and hears about new
// versions at once. The memory store shows the contract; Redis is tested against redis-server.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  accountPaths,
  createCertificateManager,
  createMemorySharedStore,
  ensurePlaceholderCertificate,
  readLineage,
} from '../../../../src/certs/acme/index.ts';
import { type FailingAcmeCa, startFailingAcmeCa } from '../../../helpers/failing-acme-ca.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { makePki, makeTempDir, type Pki } from '../../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
let ca: FailingAcmeCa;
let directory: string;

before(async () => {
  tmp = makeTempDir('acme-shared-store');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  ca = await startFailingAcmeCa();
  directory = ca.directory;
});
after(async () => {
  await ca.close();
  tmp.cleanup();
});

test('the memory store: the first account key wins, publishing notifies', async () => {
  const store = createMemorySharedStore();
  assert.equal(await store.accountKey('https://ca/dir', 'KEY-A'), 'KEY-A');
  assert.equal(await store.accountKey('https://ca/dir', 'KEY-B'), 'KEY-A');
  assert.equal(await store.accountKey('https://other/dir', 'KEY-B'), 'KEY-B');
  const heard: string[] = [];
  const stop = store.onCertificate((name) => heard.push(name));
  await store.putCertificate('a.test', { fullchainPem: 'C', keyPem: 'K' }, 1000);
  await new Promise((r) => setImmediate(r));
  stop();
  await store.putCertificate('b.test', { fullchainPem: 'C', keyPem: 'K' }, 1000);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(heard, ['a.test']);
  assert.deepEqual(await store.getCertificate('a.test'), { fullchainPem: 'C', keyPem: 'K' });
});

test('a published certificate replaces the placeholder without an order, and a newer one follows at once', async () => {
  const stateDir = path.join(tmp.dir, 'state-adopt');
  const shared = createMemorySharedStore();
  const hosts = ['adopt.test', 'www.adopt.test'];
  const first = await pki.issue(hosts, { name: 'first', validDays: 60 });
  await shared.putCertificate('adopt.test', first, 60_000);
  await ensurePlaceholderCertificate(stateDir, 'adopt.test', hosts);

  const events = collectEvents();
  const manager = createCertificateManager({
    stateDir,
    log: events.log,
    sites: [{ hosts, acme: { directory, challenge: 'http-01' } }],
    shared,
    backoff: { baseMs: 600_000, capMs: 600_000 },
  });
  try {
    await manager.start();
    const adopted = await events.waitFor((e) => e.event === 'certificate_adopted', 10_000);
    const live = await readLineage(stateDir, 'adopt.test');
    assert.equal(live?.selfSigned, false);
    assert.equal(adopted['serial'], live?.serialNumber);
    await events.waitFor((e) => e.event === 'certificate_renewal_scheduled', 10_000);
    assert.equal(manager.status()[0]?.state, 'valid');

    const second = await pki.issue(hosts, { name: 'second', validDays: 80 });
    await shared.putCertificate('adopt.test', second, 60_000);
    const next = await events.waitFor(
      (e) => e.event === 'certificate_adopted' && e['serial'] !== adopted['serial'],
      10_000,
    );
    assert.equal(next['replaced_serial'], adopted['serial']);
    assert.equal((await readLineage(stateDir, 'adopt.test'))?.serialNumber, next['serial']);

    // An older version (or one for other hosts) published later is not taken.
    await shared.putCertificate('adopt.test', first, 60_000);
    const narrow = await pki.issue(['adopt.test'], { name: 'narrow', validDays: 89 });
    await shared.putCertificate('adopt.test', narrow, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await readLineage(stateDir, 'adopt.test'))?.serialNumber, next['serial']);
    assert.equal(events.named('certificate_adopted').length, 2);
    assert.equal(events.named('certificate_order_started').length, 0, 'nothing was ordered');
  } finally {
    await manager.stop();
  }
});

test('instances with their own state directories agree on one account key through the shared store', async () => {
  const shared = createMemorySharedStore();
  const events = collectEvents();
  const dirs = [path.join(tmp.dir, 'state-acct-1'), path.join(tmp.dir, 'state-acct-2')];
  const managers = dirs.map((stateDir) =>
    createCertificateManager({
      stateDir,
      log: events.log,
      sites: [{ hosts: ['acct.test'], acme: { directory, challenge: 'http-01' } }],
      shared,
      backoff: { baseMs: 600_000, capMs: 600_000 },
    }),
  );
  try {
    await managers[0]?.start();
    await events.waitFor((e) => e.event === 'certificate_renewal_failed', 20_000);
    await managers[1]?.start();
    await events.waitFor(
      (e) => e.event === 'certificate_renewal_failed' && e !== events.named('certificate_renewal_failed')[0],
      20_000,
    );
    const keys = dirs.map((d) => fs.readFileSync(accountPaths(d, directory).keyPath, 'utf8'));
    assert.equal(keys[0], keys[1]);
    assert.equal(events.named('acme_account_shared').length, 1);
    assert.equal(fs.statSync(accountPaths(dirs[1] ?? '', directory).keyPath).mode & 0o777, 0o600);
  } finally {
    await Promise.all(managers.map((m) => m.stop()));
  }
});
