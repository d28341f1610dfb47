// The manager's bookkeeping against a CA that refuses everything (a local HTTP server answering
// 400 with a problem document): placeholder at start, the problem in the failure event, backoff
// from the injected random source, the record `cert status` reads. Real issuance is tested against
// pebble in test/integration/acme-*.test.ts.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  createCertificateManager,
  readLineage,
  readRenewalRecord,
} from '../../../../src/certs/acme/index.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

let tmp: ReturnType<typeof makeTempDir>;
let ca: http.Server;
let directory: string;

before(async () => {
  tmp = makeTempDir('acme-manager');
  ca = http.createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'urn:ietf:params:acme:error:malformed',
        detail: 'this test CA says no',
        status: 400,
      }),
    );
  });
  await new Promise<void>((r) => ca.listen(0, '127.0.0.1', r));
  directory = `http://127.0.0.1:${(ca.address() as AddressInfo).port}/directory`;
});
after(async () => {
  await new Promise((r) => ca.close(r));
  tmp.cleanup();
});

test('a refusing CA: placeholder in service, the problem document logged, backoff scheduled, record written', async () => {
  const stateDir = path.join(tmp.dir, 'state');
  const events = collectEvents();
  const manager = createCertificateManager({
    stateDir,
    log: events.log,
    sites: [
      { hosts: ['m.test', 'www.m.test'], acme: { directory, challenge: 'http-01', email: 'ops@m.test' } },
      { hosts: ['www.m.test', 'm.test'], acme: { directory, challenge: 'http-01' } },
      { name: 'm.test', hosts: ['other.test'], acme: { directory, challenge: 'http-01' } },
    ],
    backoff: { baseMs: 600_000, capMs: 600_000 },
    random: () => 1,
  });
  try {
    await manager.start();
    const placeholder = await readLineage(stateDir, 'm.test');
    assert.equal(placeholder?.selfSigned, true);
    assert.equal(events.named('certificate_placeholder').length, 1, 'sites with the same hosts share one');
    const conflict = events.named('acme_lineage_conflict')[0];
    assert.deepEqual(conflict?.['hosts'], ['other.test']);

    const failed = await events.waitFor((e) => e.event === 'certificate_renewal_failed', 20_000);
    assert.deepEqual(failed['problem'], {
      type: 'urn:ietf:params:acme:error:malformed',
      detail: 'this test CA says no',
      status: 400,
    });
    assert.equal(failed['error'], 'malformed: this test CA says no');
    assert.equal(failed['reason'], 'placeholder');
    assert.equal(failed['retry_in_ms'], 600_000);
    assert.equal(failed['serving_serial'], placeholder?.serialNumber);

    const [status] = manager.status();
    assert.equal(status?.state, 'placeholder');
    assert.equal(status?.failures, 1);
    const record = await readRenewalRecord(stateDir, 'm.test');
    assert.equal(record?.failures, 1);
    assert.equal(record?.lastProblem?.detail, 'this test CA says no');
    assert.equal((await readLineage(stateDir, 'm.test'))?.serialNumber, placeholder?.serialNumber);
  } finally {
    await manager.stop();
  }
});
