// ACME Renewal Information (RFC 9773): when the directory advertises renewalInfo, the manager asks
// for each certificate's suggested window and renews inside it. pebble 2.4 (Debian) predates ARI, so
// a small HTTPS front serves pebble's directory with a renewalInfo URL added and answers it: a window
// in the past for the first certificate (renew now), one a month ahead for its replacement.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { lineagePaths } from '../../src/certs/acme/index.ts';
import { issueCertificate } from '../../src/certs/issue.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

const run = promisify(execFile);
const DAY = 86_400_000;

let env: AcmeEnv;
let front: https.Server;
let frontUrl: string;
let caFile: string;
const asked: string[] = [];

before(async () => {
  env = await startAcmeEnv('acme-renewal-ari');
  const frontCert = await issueCertificate({ names: ['127.0.0.1'], keyType: 'ec' });
  caFile = path.join(env.dir, 'trust.pem');
  fs.writeFileSync(caFile, env.pebble.caPem + frontCert.certPem);
  front = https.createServer({ cert: frontCert.certPem, key: frontCert.keyPem }, (req, res) => {
    if (req.url === '/dir') {
      https
        .get(env.pebble.directoryUrl, { ca: env.pebble.caPem }, (up) => {
          let body = '';
          up.on('data', (c: Buffer) => {
            body += c.toString();
          });
          up.on('end', () => {
            const dir = { ...JSON.parse(body), renewalInfo: `${frontUrl}/renewal-info` };
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(dir));
          });
        })
        .on('error', () => {
          res.writeHead(502);
          res.end();
        });
      return;
    }
    const m = /^\/renewal-info\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    if (!m?.[1]) {
      res.writeHead(404);
      res.end();
      return;
    }
    const first = asked.length === 0 || asked[0] === m[1];
    asked.push(m[1]);
    const now = Date.now();
    const window = first
      ? { start: new Date(now - 2 * 3_600_000), end: new Date(now - 3_600_000) }
      : { start: new Date(now + 30 * DAY), end: new Date(now + 31 * DAY) };
    res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '21600' });
    res.end(
      JSON.stringify({
        suggestedWindow: { start: window.start.toISOString(), end: window.end.toISOString() },
        explanationURL: 'https://ca.example/incident-1',
      }),
    );
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
after(async () => {
  front.closeAllConnections();
  await new Promise((r) => front.close(r));
  await env.close();
});

/** RFC 9773 §4.1 certID computed with openssl, independently of src/certs/acme/ari.ts. */
async function opensslCertId(certFile: string): Promise<string> {
  const { stdout } = await run('openssl', [
    'x509',
    '-in',
    certFile,
    '-noout',
    '-serial',
    '-ext',
    'authorityKeyIdentifier',
  ]);
  const serialHex = /serial=([0-9A-F]+)/i.exec(stdout)?.[1] ?? '';
  const akiHex =
    /([0-9A-F]{2}(?::[0-9A-F]{2}){7,})/i.exec(stdout.split('Authority Key Identifier')[1] ?? '')?.[1] ?? '';
  let serial = Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex');
  if ((serial[0] ?? 0) >= 0x80) serial = Buffer.concat([Buffer.from([0]), serial]);
  return `${Buffer.from(akiHex.replaceAll(':', ''), 'hex').toString('base64url')}.${serial.toString('base64url')}`;
}

test('a renewalInfo window in the past renews at once; the replacement is scheduled inside its own window', async () => {
  const site = env.site(['ari.example.test'], 'http-01', { directory: `${frontUrl}/dir`, ca: caFile });
  const { manager, events } = env.manager([site]);
  await manager.start();
  const first = await events.waitFor((e) => e.event === 'certificate_issued');
  const firstCertId = await opensslCertId(
    path.join(lineagePaths(env.stateDir, 'ari.example.test').archiveDir, 'cert2.pem'),
  );

  const renewed = await events.waitFor((e) => e.event === 'certificate_issued' && e['reason'] === 'renewal');
  assert.equal(renewed['replaced_serial'], first['serial']);
  assert.equal(
    asked[0],
    firstCertId,
    'renewalInfo was asked about the first certificate by its RFC 9773 certID',
  );
  const pastPlan = events.named('certificate_renewal_scheduled').find((e) => e['serial'] === first['serial']);
  assert.equal(pastPlan?.['source'], 'ari');
  assert.equal(pastPlan?.['explanation_url'], 'https://ca.example/incident-1');

  const next = await events.waitFor(
    (e) => e.event === 'certificate_renewal_scheduled' && e['serial'] === renewed['serial'],
  );
  assert.equal(next['source'], 'ari');
  const at = Date.parse(String(next['renew_at']));
  assert.ok(at >= Date.parse(String(next['window_start'])) && at <= Date.parse(String(next['window_end'])));
  assert.ok(at > Date.now() + 29 * DAY);
  assert.equal(manager.status()[0]?.nextRenewal?.source, 'ari');
  assert.equal(events.named('certificate_renewal_failed').length, 0);
  await manager.stop();
});
