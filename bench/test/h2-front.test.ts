// The HTTP/2 front's clients against real servers: Node's h2 floor (node-h2) must serve /1k over h2 to
// a verifying client, to idle h2 connections and to h2load; a server that speaks only HTTP/1.1
// (node-tls) must be refused by the smoke check and by h2load, never measured as h2. Node's h2 proxy
// floor (node-h2-proxy) must relay the backend's answer whole, over pooled backend connections.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeBackendFiles } from '../lib/backend.ts';
import { makeCerts } from '../lib/certs.ts';
import { commandExists, h2Contenders, terminationContenders } from '../lib/contenders.ts';
import { h2Get, openIdleH2Sessions } from '../lib/h2-sessions.ts';
import { runH2load } from '../lib/h2load.ts';
import { freePort } from '../lib/ports.ts';
import { killAll, type RunningServer, startServer } from '../lib/server-process.ts';
import { repoRoot } from '../lib/tlsterm-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-h2-test-'));
const certs = makeCerts(join(dir, 'certs'), 'bench.test');
const root = writeBackendFiles(dir, 1);
const running: RunningServer[] = [];
const choice = { repo: repoRoot, features: { workers: false, session: false } };

after(async () => {
  for (const server of running) await server.stop();
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  name: 'node-h2' | 'node-h2-proxy' | 'node-tls',
  backendPort = 1,
): Promise<RunningServer> {
  const list = name === 'node-tls' ? terminationContenders(choice) : h2Contenders(choice);
  const contender = list.find((c) => c.name === name);
  assert.ok(contender, `${name} is a contender of its section`);
  const started = await startServer(
    contender.spec({ dir, port: await freePort(), backendPort, certs, root }),
  );
  assert.ok(started.ok, started.ok ? '' : started.error);
  running.push(started.server);
  return started.server;
}

const get = (port: number) =>
  h2Get({ port, hostname: 'bench.test', path: '/1k', ca: certs.ca, timeoutMs: 10_000 });

describe('the HTTP/2 front', () => {
  it('node-h2 serves /1k over h2 to a verifying client, holds idle h2 connections, and h2load runs', async () => {
    const server = await start('node-h2');
    assert.deepEqual(await get(server.port), { ok: true, bytes: 1024 });
    const held = await openIdleH2Sessions({
      port: server.port,
      servername: 'bench.test',
      count: 20,
      concurrency: 4,
      timeoutMs: 10_000,
    });
    assert.equal(held.opened, 20, held.firstError);
    assert.equal(held.stillOpen(), 20);
    await held.close();
    assert.equal(held.stillOpen(), 0);
    if (!commandExists('h2load')) return;
    const load = await runH2load({
      url: `https://127.0.0.1:${server.port}/1k`,
      authority: 'bench.test',
      connections: 2,
      streams: 4,
      seconds: 1,
    });
    assert.ok(load.ok, load.ok ? '' : load.error);
    assert.equal(load.value.protocol, 'h2');
    assert.ok(load.value.succeeded > 0 && load.value.non2xx === 0 && load.value.failed === 0);
  });

  it('node-h2-proxy relays the backend /1k and its status over h2, reusing its backend connections', async () => {
    // The backend: a real HTTP/1.1 server (keep-alive, Content-Length), counting its connections.
    const body = readFileSync(join(root, '1k'));
    let connections = 0;
    const backend = http.createServer((req, res) => {
      if (req.url === '/1k')
        res.writeHead(200, { 'content-length': body.length, 'x-backend': 'yes' }).end(body);
      else res.writeHead(404, { 'content-length': 0 }).end();
    });
    backend.on('connection', () => connections++);
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    try {
      const port = (backend.address() as { port: number }).port;
      const server = await start('node-h2-proxy', port);
      for (let i = 0; i < 5; i++) assert.deepEqual(await get(server.port), { ok: true, bytes: 1024 });
      // One request at a time: one backend connection, reused.
      assert.equal(connections, 1);
      const missing = await h2Get({
        port: server.port,
        hostname: 'bench.test',
        path: '/nope',
        ca: certs.ca,
        timeoutMs: 10_000,
      });
      assert.equal(missing.ok, false);
      assert.match(missing.ok ? '' : missing.error, /404/);
    } finally {
      backend.close();
      backend.closeAllConnections();
    }
  });

  it('a server without h2 fails the smoke check and h2load, and holds no idle h2 connection', async () => {
    const server = await start('node-tls');
    const smoke = await get(server.port);
    assert.equal(smoke.ok, false);
    assert.match(smoke.ok ? '' : smoke.error, /ALPN|h2/);
    const held = await openIdleH2Sessions({
      port: server.port,
      servername: 'bench.test',
      count: 3,
      concurrency: 1,
      timeoutMs: 10_000,
    });
    assert.equal(held.opened, 0);
    await held.close();
    if (!commandExists('h2load')) return;
    const load = await runH2load({
      url: `https://127.0.0.1:${server.port}/1k`,
      authority: 'bench.test',
      connections: 1,
      streams: 1,
      seconds: 1,
    });
    assert.deepEqual(load, {
      ok: false,
      error: 'h2load: the server did not negotiate h2 by ALPN (no request sent)',
    });
  });
});
