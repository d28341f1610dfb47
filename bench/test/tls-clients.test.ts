// The load clients against a real Node TLS server on loopback.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { makeCerts } from '../lib/certs.ts';
import { runHandshakeLoad } from '../lib/handshake-load.ts';
import { openIdleConnections } from '../lib/idle-connections.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
const certs = makeCerts(dir, 'bench.test');
let server: Server;
let port = 0;
let status = '200 OK';
let handshakes = 0;
let resumedByServer = 0;

before(async () => {
  server = createServer({ cert: readFileSync(certs.fullchain), key: readFileSync(certs.key) }, (socket) => {
    handshakes += 1;
    if (socket.isSessionReused()) resumedByServer += 1;
    socket.once('data', () =>
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`),
    );
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('runHandshakeLoad', () => {
  it('makes full handshakes only, each with one request, up to the connection cap', async () => {
    handshakes = 0;
    resumedByServer = 0;
    const result = await runHandshakeLoad({
      port,
      servername: 'bench.test',
      path: '/1k',
      concurrency: 4,
      maxConnections: 40,
      durationMs: 10_000,
    });
    assert.equal(result.completed, 40);
    assert.equal(result.failed, 0);
    assert.equal(result.resumed, 0);
    assert.equal(handshakes, 40, 'the server saw every connection');
    assert.equal(resumedByServer, 0, 'and resumed none of them');
  });

  it('counts a non-200 response as a failure', async () => {
    status = '502 Bad Gateway';
    try {
      const result = await runHandshakeLoad({
        port,
        servername: 'bench.test',
        path: '/1k',
        concurrency: 2,
        maxConnections: 4,
        durationMs: 10_000,
      });
      assert.equal(result.completed, 0);
      assert.equal(result.failed, 4);
      assert.match(result.firstError ?? '', /unexpected response: "HTTP\/1.1 502/);
    } finally {
      status = '200 OK';
    }
  });

  it('stops at the time limit', async () => {
    const result = await runHandshakeLoad({
      port,
      servername: 'bench.test',
      path: '/1k',
      concurrency: 2,
      maxConnections: 1_000_000,
      durationMs: 200,
    });
    assert.ok(result.completed > 0 && result.completed < 1_000_000);
  });
});

describe('openIdleConnections', () => {
  it('holds the requested number of handshaken connections until closed', async () => {
    handshakes = 0;
    const held = await openIdleConnections({
      port,
      servername: 'bench.test',
      count: 25,
      concurrency: 8,
      timeoutMs: 10_000,
    });
    try {
      assert.equal(held.opened, 25);
      assert.equal(held.failed, 0);
      assert.equal(held.stillOpen(), 25);
      // In TLS 1.3 the client finishes before the server does: give the server a moment to count.
      for (let i = 0; i < 50 && handshakes < 25; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(handshakes, 25);
    } finally {
      await held.close();
    }
    assert.equal(held.stillOpen(), 0);
  });

  it('reports failures when nothing listens', async () => {
    const held = await openIdleConnections({
      port: 1,
      servername: 'x',
      count: 3,
      concurrency: 1,
      timeoutMs: 5000,
    });
    assert.equal(held.opened, 0);
    assert.equal(held.failed, 3);
    assert.match(held.firstError ?? '', /ECONNREFUSED/);
  });
});
