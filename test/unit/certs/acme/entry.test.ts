// The manager's entries without a CA: which sites share a certificate, and what `tlsterm cert status`
// shows of one (the record written beside live/, and the status the manager returns).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  type Entry,
  entriesFor,
  entryStatus,
  persistEntry,
  renewalRecordOf,
} from '../../../../src/certs/acme/entry.ts';
import { type LineageCertificate, lineagePaths } from '../../../../src/certs/acme/lineage.ts';
import { readRenewalRecord } from '../../../../src/certs/acme/renewal-record.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('acme-entry');
after(() => tmp.cleanup());

const DAY = 86_400_000;
const t0 = new Date('2026-03-01T00:00:00Z');
const now = new Date(t0.getTime() + 10 * DAY);

const certificate = (over: Partial<LineageCertificate> = {}): LineageCertificate => ({
  notBefore: t0,
  notAfter: new Date(t0.getTime() + 90 * DAY),
  serialNumber: '0a1b',
  sans: ['e.test'],
  selfSigned: false,
  keyMatches: true,
  certPem: '',
  subject: 'CN=e.test',
  issuer: 'CN=Test CA',
  ...over,
});

function oneEntry(): Entry {
  const entries = entriesFor(
    [{ hosts: ['e.test'], acme: { directory: 'letsencrypt-staging', challenge: 'dns-01' } }],
    tmp.dir,
    collectEvents().log,
  );
  const entry = entries.get('e.test');
  assert.ok(entry);
  return entry;
}

test('sites with the same hosts share one entry; other hosts under a taken name are logged, not ordered', () => {
  const events = collectEvents();
  const entries = entriesFor(
    [
      { hosts: ['m.test', 'www.m.test'], acme: { directory: 'letsencrypt', challenge: 'http-01' } },
      { hosts: ['www.m.test', 'm.test'], acme: { directory: 'letsencrypt', challenge: 'http-01' } },
      { name: 'm.test', hosts: ['other.test'], acme: { directory: 'letsencrypt', challenge: 'http-01' } },
      { hosts: ['n.test'], acme: { directory: 'https://ca.test/dir', challenge: 'tls-alpn-01' } },
    ],
    tmp.dir,
    events.log,
  );
  assert.deepEqual([...entries.keys()], ['m.test', 'n.test']);
  const m = entries.get('m.test');
  assert.deepEqual(m?.hosts, ['m.test', 'www.m.test']);
  assert.equal(m?.directory, 'https://acme-v02.api.letsencrypt.org/directory');
  assert.deepEqual(m?.paths, lineagePaths(tmp.dir, 'm.test'));
  assert.equal(m?.state, 'starting');
  assert.equal(m?.failures, 0);
  assert.equal(entries.get('n.test')?.directory, 'https://ca.test/dir');

  assert.equal(events.events.length, 1, 'the same hosts in another order are no conflict');
  assert.deepEqual(events.named('acme_lineage_conflict')[0], {
    event: 'acme_lineage_conflict',
    level: 'error',
    name: 'm.test',
    hosts: ['other.test'],
    managed_hosts: ['m.test', 'www.m.test'],
    detail: "two sites share live/m.test/ with different hosts; only the first one's are ordered",
  });
});

test('a placeholder in service: record and status show no serial, only the failures', () => {
  const entry = oneEntry();
  entry.current = certificate({ selfSigned: true });
  entry.state = 'placeholder';
  entry.failures = 2;
  entry.lastError = 'connect ECONNREFUSED';
  entry.nextAttemptAt = new Date(now.getTime() + 60_000);

  assert.deepEqual(renewalRecordOf(entry, now), {
    name: 'e.test',
    hosts: ['e.test'],
    directory: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    challenge: 'dns-01',
    failures: 2,
    lastError: 'connect ECONNREFUSED',
    nextAttemptAt: '2026-03-11T00:01:00.000Z',
    updatedAt: '2026-03-11T00:00:00.000Z',
  });
  assert.deepEqual(entryStatus(entry), {
    name: 'e.test',
    hosts: ['e.test'],
    directory: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    challenge: 'dns-01',
    certPath: entry.paths.fullchain,
    keyPath: entry.paths.privkey,
    state: 'placeholder',
    failures: 2,
    lastError: 'connect ECONNREFUSED',
    nextAttemptAt: entry.nextAttemptAt,
  });
});

test('a real certificate renewed by ARI: record and status show serial, plan, window and explanation', () => {
  const entry = oneEntry();
  const window = { start: new Date(t0.getTime() + 60 * DAY), end: new Date(t0.getTime() + 61 * DAY) };
  entry.current = certificate();
  entry.state = 'valid';
  entry.plan = { at: new Date(t0.getTime() + 60.5 * DAY), source: 'ari', window };
  entry.ari = {
    serial: '0a1b',
    info: { window, explanationUrl: 'https://ca.test/why' },
    nextPollAt: now.getTime() + 6 * 3_600_000,
  };
  const problem = { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'slow down', status: 429 };
  entry.lastProblem = problem;

  assert.deepEqual(renewalRecordOf(entry, now), {
    name: 'e.test',
    hosts: ['e.test'],
    directory: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    challenge: 'dns-01',
    serial: '0a1b',
    notAfter: '2026-05-30T00:00:00.000Z',
    nextRenewalAt: '2026-04-30T12:00:00.000Z',
    renewalSource: 'ari',
    ariWindow: { start: '2026-04-30T00:00:00.000Z', end: '2026-05-01T00:00:00.000Z' },
    ariExplanationUrl: 'https://ca.test/why',
    failures: 0,
    lastProblem: problem,
    updatedAt: '2026-03-11T00:00:00.000Z',
  });
  const status = entryStatus(entry);
  assert.equal(status.state, 'valid');
  assert.equal(status.serial, '0a1b');
  assert.deepEqual(status.notAfter, new Date('2026-05-30T00:00:00Z'));
  assert.deepEqual(status.nextRenewal, entry.plan);
  assert.deepEqual(status.lastProblem, problem);
});

test('the record is written where `cert status` reads it; an unwritable state directory is logged, not thrown', async () => {
  const entry = oneEntry();
  entry.current = certificate();
  const events = collectEvents();
  await persistEntry(entry, { stateDir: tmp.dir, log: events.log, now: () => now });
  const read = await readRenewalRecord(tmp.dir, 'e.test');
  assert.equal(read?.serial, '0a1b');
  assert.equal(read?.updatedAt, '2026-03-11T00:00:00.000Z');
  assert.equal(events.events.length, 0);

  const blocked = path.join(tmp.dir, 'a-file');
  fs.writeFileSync(blocked, 'not a directory');
  await persistEntry(entry, { stateDir: blocked, log: events.log, now: () => now });
  const failed = events.named('acme_state_write_failed')[0];
  assert.equal(failed?.['level'], 'warning');
  assert.equal(failed?.['name'], 'e.test');
  assert.match(String(failed?.['error']), /ENOTDIR/);
});
