// Node's floor contender: a bare tls.createServer with the bench's certificate, answering by itself,
// piping to the backend or proxying to it over pooled sockets, must serve what the scenarios ask for
// and resume sessions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeBackendFiles } from '../lib/backend.ts';
import { makeCerts } from '../lib/certs.ts';
import { terminationContenders } from '../lib/contenders.ts';
import { curlDownload } from '../lib/curl-download.ts';
import { primeSession, runHandshakeLoad } from '../lib/handshake-load.ts';
import { freePort } from '../lib/ports.ts';
import { killAll, type RunningServer, startServer } from '../lib/server-process.ts';
import { repoRoot } from '../lib/tlsterm-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-floor-test-'));
const certs = makeCerts(join(dir, 'certs'), 'bench.test');
const root = writeBackendFiles(dir, 1);
let backend: Server;
let backendPort = 0;
let backendConnections = 0;
const running: RunningServer[] = [];

before(async () => {
  // A stand-in for the backend nginx: the pipe and proxy floors forward the client's requests to it.
  backend = createServer((req, res) => {
    req.resume();
    if (req.url === '/nope') return res.writeHead(404, { 'content-length': 0 }).end();
    const size = req.url === '/big' ? 1024 * 1024 : 1024;
    res.setHeader('content-length', size);
    res.end(Buffer.alloc(size, 7));
  });
  backend.on('connection', () => backendConnections++);
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as AddressInfo).port;
});

after(async () => {
  for (const server of running) await server.stop();
  killAll();
  await new Promise((resolve) => backend.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: 'node-tls' | 'node-peek' | 'node-pipe' | 'node-proxy'): Promise<RunningServer> {
  const features = { workers: false, session: false };
  const contender = terminationContenders({ repo: repoRoot, features }).find((c) => c.name === name);
  assert.ok(contender);
  const started = await startServer(
    contender.spec({ dir, port: await freePort(), backendPort, certs, root }),
  );
  assert.ok(started.ok, started.ok ? '' : started.error);
  running.push(started.server);
  return started.server;
}

describe('floor contenders', () => {
  for (const name of ['node-tls', 'node-peek', 'node-pipe', 'node-proxy'] as const) {
    it(`${name}: serves /1k to a verifying client, keep-alive and with Connection: close`, async () => {
      const server = await start(name);
      const got = await curlDownload({
        port: server.port,
        hostname: 'bench.test',
        path: '/1k',
        ca: certs.ca,
        timeoutSeconds: 10,
      });
      assert.ok(got.ok, got.ok ? '' : got.error);
      assert.equal(got.value.bytes, 1024);
      const full = await runHandshakeLoad({
        port: server.port,
        servername: 'bench.test',
        path: '/1k',
        concurrency: 2,
        maxConnections: 10,
        durationMs: 10_000,
      });
      assert.equal(full.completed, 10, full.firstError);
    });
  }

  it('node-tls: streams a large file, and resumes by session id and by ticket', async () => {
    const server = await start('node-tls');
    const big = await curlDownload({
      port: server.port,
      hostname: 'bench.test',
      path: '/big',
      ca: certs.ca,
      timeoutSeconds: 20,
    });
    assert.ok(big.ok, big.ok ? '' : big.error);
    assert.equal(big.value.bytes, 1024 * 1024);
    const base = { port: server.port, servername: 'bench.test', path: '/1k', concurrency: 2 };
    for (const mode of ['tls12-session-id', 'tls12-ticket', 'tls13-ticket'] as const) {
      const primed = await primeSession({ ...base, maxConnections: 1, durationMs: 5000 }, mode);
      assert.ok(primed.ok, primed.ok ? '' : primed.error);
      const run = await runHandshakeLoad({
        ...base,
        maxConnections: 6,
        durationMs: 10_000,
        resume: primed.value,
      });
      assert.equal(run.resumed, 6, `${mode}: ${run.firstError ?? ''}`);
    }
  });

  it('node-proxy: relays a large body and a 404, over backend connections reused across clients', async () => {
    const server = await start('node-proxy');
    const download = (path: string) =>
      curlDownload({ port: server.port, hostname: 'bench.test', path, ca: certs.ca, timeoutSeconds: 20 });
    const big = await download('/big');
    assert.ok(big.ok, big.ok ? '' : big.error);
    assert.equal(big.value.bytes, 1024 * 1024);
    const missing = await download('/nope');
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.error, /404/);
    // Twenty clients one after the other, each closing: one backend connection serves them all.
    const before = backendConnections;
    const serial = await runHandshakeLoad({
      port: server.port,
      servername: 'bench.test',
      path: '/1k',
      concurrency: 1,
      maxConnections: 20,
      durationMs: 10_000,
    });
    assert.equal(serial.completed, 20, serial.firstError);
    assert.ok(backendConnections - before <= 1, `${backendConnections - before} new backend connections`);
  });
});
