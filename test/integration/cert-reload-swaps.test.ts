// Hot reload picks up a renewed pair however it lands on disk — written in place, renamed over,
// certbot's live/ symlinks swapped to a new archive/ version, or unnoticed by fs.watch (poll) — and
// new handshakes get the new serial while a connection opened before keeps working.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  openConnection,
  reloadFixture,
  type SitePair,
  serialOf,
  servedSerial,
  withReloadingServer,
} from './cert-reload-harness.ts';

const HOST = 'reload.test';

const fx = reloadFixture('cert-reload-swaps');
const siteFor = (name: string): Promise<SitePair> => fx.site(name, [HOST]);

test('a pair rewritten in place is swapped in for new handshakes; an open connection keeps working', async () => {
  const site = await siteFor('in-place');
  await withReloadingServer(site, { hosts: [HOST], extraCa: [fx.pki.rootPem] }, async (server) => {
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), site.serial);
    const open = await openConnection(server.port, HOST, fx.pki.rootPem);
    const next = await fx.pki.issue([HOST], { name: 'in-place-second' });
    fs.writeFileSync(site.key, next.keyPem);
    fs.writeFileSync(site.cert, next.fullchainPem);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'reloaded', JSON.stringify(outcome));
    assert.equal(outcome.kind === 'reloaded' && outcome.previousSerial, site.serial);
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(next.certPem));
    assert.equal(open.serial, site.serial);
    assert.equal(await open.echo('still here'), 'still here');
    open.close();
  });
});

test('a pair renamed over the old files is swapped in', async () => {
  const site = await siteFor('rename');
  await withReloadingServer(site, { hosts: [HOST], extraCa: [fx.pki.rootPem] }, async (server) => {
    const next = await fx.pki.issue([HOST], { name: 'rename-second' });
    fs.writeFileSync(`${site.key}.new`, next.keyPem, { mode: 0o600 });
    fs.writeFileSync(`${site.cert}.new`, next.fullchainPem);
    fs.renameSync(`${site.key}.new`, site.key);
    fs.renameSync(`${site.cert}.new`, site.cert);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'reloaded', JSON.stringify(outcome));
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(next.certPem));
  });
});

test("certbot's live/ symlinks swapped to a new archive/ version are followed", async () => {
  // certbot: live/<name>/fullchain.pem -> ../../archive/<name>/fullchainN.pem, relinked on renewal.
  const root = path.join(fx.dir, 'letsencrypt');
  const live = path.join(root, 'live', HOST);
  const archive = path.join(root, 'archive', HOST);
  fs.mkdirSync(live, { recursive: true });
  fs.mkdirSync(archive, { recursive: true });
  const versions = [
    await fx.pki.issue([HOST], { name: 'certbot-1' }),
    await fx.pki.issue([HOST], { name: 'certbot-2' }),
  ];
  versions.forEach((v, i) => {
    fs.writeFileSync(path.join(archive, `fullchain${i + 1}.pem`), v.fullchainPem);
    fs.writeFileSync(path.join(archive, `privkey${i + 1}.pem`), v.keyPem, { mode: 0o600 });
  });
  const link = (file: 'fullchain' | 'privkey', n: number): void => {
    const tmpLink = path.join(live, `.${file}.tmp`);
    fs.symlinkSync(`../../archive/${HOST}/${file}${n}.pem`, tmpLink);
    fs.renameSync(tmpLink, path.join(live, `${file}.pem`));
  };
  link('fullchain', 1);
  link('privkey', 1);
  const cert = path.join(live, 'fullchain.pem');
  const key = path.join(live, 'privkey.pem');
  await withReloadingServer({ cert, key }, { hosts: [HOST], extraCa: [fx.pki.rootPem] }, async (server) => {
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(versions[0]?.certPem ?? ''));
    link('privkey', 2);
    link('fullchain', 2);
    const outcome = await server.nextOutcome(0);
    assert.equal(outcome.kind, 'reloaded', JSON.stringify(outcome));
    assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(versions[1]?.certPem ?? ''));
  });
});

test('without fs.watch events the fingerprint poll still picks up a new pair', async () => {
  const site = await siteFor('poll');
  await withReloadingServer(
    site,
    { hosts: [HOST], extraCa: [fx.pki.rootPem], useFsWatch: false, pollIntervalMs: 200 },
    async (server) => {
      const next = await fx.pki.issue([HOST], { name: 'poll-second' });
      fs.writeFileSync(site.key, next.keyPem);
      fs.writeFileSync(site.cert, next.fullchainPem);
      const outcome = await server.nextOutcome(0);
      assert.equal(outcome.kind, 'reloaded', JSON.stringify(outcome));
      assert.equal(await servedSerial(server.port, HOST, fx.pki.rootPem), serialOf(next.certPem));
    },
  );
});
