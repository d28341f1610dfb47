// The zero-config plan (local CA under the state directory) is trusted by real clients that are given
// the CA: curl by name and openssl s_client by IP address.

import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildDefaultPlan } from '../../src/config/defaults.ts';
import { secureContextOptions } from '../../src/tls/policy.ts';
import { makeTempDir } from '../helpers/pki.ts';
import { type RunResult, run as runBounded } from '../helpers/run.ts';

// 15 s: curl and s_client against a server hosted in this process, on a shared machine.
const run = (cmd: string, args: readonly string[]): Promise<RunResult> =>
  runBounded(cmd, args, { timeoutMs: 15_000 });

let tmp: ReturnType<typeof makeTempDir>;
let server: https.Server;
let port: number;
let caPath: string;

before(async () => {
  tmp = makeTempDir('local-ca-serve');
  const plan = await buildDefaultPlan(tmp.dir);
  caPath = path.join(tmp.dir, 'ca', 'ca.pem');
  const listener = plan.listeners[0];
  const pair = listener?.sites[0]?.certificates[0];
  assert.ok(listener && pair);
  server = https.createServer(
    { ...secureContextOptions(listener.policy), cert: pair.certPem, key: pair.keyPem },
    (_req, res) => res.end('local ok\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});

test('curl trusts https://localhost with --cacert <state>/ca/ca.pem', async () => {
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '10',
    '--cacert',
    caPath,
    '--resolve',
    `localhost:${port}:127.0.0.1`,
    `https://localhost:${port}/`,
  ]);
  assert.equal(r.code, 0, r.all);
  assert.equal(r.all, 'local ok\n');
});

test('curl without the CA refuses (the CA is not silently trusted)', async () => {
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '10',
    '--resolve',
    `localhost:${port}:127.0.0.1`,
    `https://localhost:${port}/`,
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.all, /certificate/i);
});

test('openssl s_client verifies the IP SAN 127.0.0.1', async () => {
  const r = await run('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-CAfile',
    caPath,
    '-verify_ip',
    '127.0.0.1',
  ]);
  assert.match(r.all, /Verify return code: 0 \(ok\)/);
});
