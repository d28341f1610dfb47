// What `check` accepts must work against real peers: build the Plan from a fixture config, serve it
// with exactly secureContextOptions(policy) + the loaded certificates, and handshake with the system
// `openssl s_client` (OpenSSL 3.0), `curl`, and Node's own client (OpenSSL 3.5, post-quantum groups).
// And what `check` rejects fails the same way for those peers (missing intermediate).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { checkConfigFile } from '../../src/config/check.ts';
import type { ListenerPlan, Plan } from '../../src/config/plan.ts';
import { secureContextOptions } from '../../src/tls/policy.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type RunResult, run as runBounded } from '../helpers/run.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'config');

// 15 s: curl and s_client against a server hosted in this process, on a shared machine.
const run = (cmd: string, args: readonly string[]): Promise<RunResult> =>
  runBounded(cmd, args, { timeoutMs: 15_000 });

/** Serve the first site of a listener plan as the terminator would: HTTPS answering "ok <protocol>". */
async function serve(listener: ListenerPlan): Promise<https.Server> {
  const site = listener.sites[0];
  assert.ok(site);
  const server = https.createServer(
    {
      ...secureContextOptions(listener.policy),
      cert: site.certificates.map((c) => c.certPem),
      key: site.certificates.map((c) => c.keyPem),
    },
    (req, res) => {
      res.end(`ok ${(req.socket as tls.TLSSocket).getProtocol()}\n`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let tmp: ReturnType<typeof makeTempDir>;
let pki: Pki;
let plan: Plan;
let server: https.Server;
let port: number;

before(async () => {
  tmp = makeTempDir('check-serves');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const file = path.join(tmp.dir, 'valid.yaml');
  fs.copyFileSync(path.join(FIXTURES, 'valid.yaml'), file);
  const result = await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(tmp.dir, 'state') } });
  assert.deepEqual(result.problems, []);
  assert.ok(result.plan);
  plan = result.plan;
  const listener = plan.listeners[0];
  assert.ok(listener);
  server = await serve(listener);
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});

function sClient(...extra: string[]) {
  return run('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-servername',
    'example.test',
    '-verify_hostname',
    'example.test',
    '-CAfile',
    pki.rootPath,
    ...extra,
  ]);
}

test('openssl s_client, TLS 1.3: verified chain, AEAD suite', async () => {
  const r = await sClient('-tls1_3');
  assert.match(r.all, /Verify return code: 0 \(ok\)/);
  assert.match(r.all, /New, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
});

test('openssl s_client, TLS 1.2 ECDHE-RSA: the RSA certificate is chosen and verifies', async () => {
  const r = await sClient('-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256');
  assert.match(r.all, /Verify return code: 0 \(ok\)/);
  assert.match(r.all, /Cipher is ECDHE-RSA-AES128-GCM-SHA256/);
  assert.match(r.all, /Server public key is 2048 bit/);
});

test('openssl s_client, TLS 1.2 ECDHE-ECDSA: the EC certificate is chosen', async () => {
  const r = await sClient('-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384');
  assert.match(r.all, /Cipher is ECDHE-ECDSA-AES256-GCM-SHA384/);
  assert.match(r.all, /Server public key is 256 bit/);
});

test('the intermediate profile refuses TLS 1.1 and CBC suites', async () => {
  const old = await sClient('-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0');
  assert.doesNotMatch(old.all, /Cipher is [A-Z]/);
  const cbc = await sClient('-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA');
  assert.match(cbc.all, /handshake failure|no shared cipher|alert/i);
  assert.doesNotMatch(cbc.all, /Cipher is ECDHE-RSA-AES128-SHA\b/);
});

test('the configured group order (X25519MLKEM768 first) reaches the wire with a Node client', async () => {
  const info = await new Promise<{ group?: string; protocol: string | null }>((resolve, reject) => {
    const socket = tls.connect(
      { port, host: '127.0.0.1', servername: 'example.test', ca: pki.rootPem },
      () => {
        const key = socket.getEphemeralKeyInfo() as { name?: string } | null;
        resolve({ ...(key?.name !== undefined ? { group: key.name } : {}), protocol: socket.getProtocol() });
        socket.end();
      },
    );
    socket.on('error', reject);
  });
  assert.equal(info.protocol, 'TLSv1.3');
  assert.equal(info.group, 'X25519MLKEM768');
});

test('curl over HTTPS verifies the chain and the name', async () => {
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '10',
    '--cacert',
    pki.rootPath,
    '--resolve',
    `www.example.test:${port}:127.0.0.1`,
    `https://www.example.test:${port}/`,
  ]);
  assert.equal(r.code, 0, r.all);
  assert.equal(r.all, 'ok TLSv1.3\n');
});

test('a chain check calls "missing intermediate" fails for real clients too', async () => {
  const leafOnly = await pki.scenario('leaf-only', ['example.test']);
  const file = path.join(tmp.dir, 'leaf-only.yaml');
  fs.writeFileSync(
    file,
    fs.readFileSync(path.join(FIXTURES, 'certificate.yaml'), 'utf8').replaceAll('SCENARIO', 'leaf-only'),
  );
  const checked = await checkConfigFile(file);
  assert.ok(checked.problems.some((p) => /missing intermediate/.test(p.message)));

  const bad = https.createServer({ cert: leafOnly.fullchainPem, key: leafOnly.keyPem }, (_req, res) =>
    res.end('no'),
  );
  await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
  try {
    const badPort = (bad.address() as AddressInfo).port;
    const r = await run('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${badPort}`,
      '-servername',
      'example.test',
      '-CAfile',
      pki.rootPath,
    ]);
    assert.match(r.all, /verify error:num=20:unable to get local issuer certificate/);
    assert.doesNotMatch(r.all, /Verify return code: 0 \(ok\)/);
  } finally {
    bad.closeAllConnections();
    await new Promise((resolve) => bad.close(resolve));
  }
});
