// The load clients against a real Node TLS server on loopback.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { makeCerts } from '../lib/certs.ts';
import { primeSession, type ResumeMode, runHandshakeLoad } from '../lib/handshake-load.ts';
import { openIdleConnections } from '../lib/idle-connections.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
const certs = makeCerts(dir, 'bench.test');
let server: Server;
let port = 0;
let status = '200 OK';
let handshakes = 0;
let resumedByServer = 0;
let idLookups = 0;
const protocols: string[] = [];

before(async () => {
  server = createServer({ cert: readFileSync(certs.fullchain), key: readFileSync(certs.key) }, (socket) => {
    handshakes += 1;
    if (socket.isSessionReused()) resumedByServer += 1;
    protocols.push(String(socket.getProtocol()));
    socket.once('data', () =>
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`),
    );
    socket.on('error', () => {});
  });
  // A session-id cache, as the servers under test have: Node keeps none of its own.
  const sessions = new Map<string, Buffer>();
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    sessions.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (e: Error | null, data: Buffer | null) => void) => {
    idLookups += 1;
    done(null, sessions.get(id.toString('hex')) ?? null);
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

describe('resumed handshakes', () => {
  const options = {
    servername: 'bench.test',
    path: '/1k',
    concurrency: 4,
    maxConnections: 20,
    durationMs: 10_000,
  };
  // Id lookups: expected with the session id, none with a TLS 1.2 ticket; a TLS 1.3 ClientHello
  // carries a random legacy id that Node looks up anyway, so it is not counted.
  const cases: [ResumeMode, string, 'all' | 'none' | 'any'][] = [
    ['tls12-session-id', 'TLSv1.2', 'all'],
    ['tls12-ticket', 'TLSv1.2', 'none'],
    ['tls13-ticket', 'TLSv1.3', 'any'],
  ];
  for (const [mode, protocol, lookups] of cases) {
    it(`${mode}: every connection is resumed, over ${protocol}`, async () => {
      const primed = await primeSession({ ...options, port }, mode);
      assert.ok(primed.ok, primed.ok ? '' : primed.error);
      handshakes = 0;
      resumedByServer = 0;
      idLookups = 0;
      protocols.length = 0;
      const result = await runHandshakeLoad({ ...options, port, resume: primed.value });
      assert.equal(result.completed, 20);
      assert.equal(result.failed, 0);
      assert.equal(result.resumed, 20, 'the client saw every one resumed');
      for (let i = 0; i < 50 && handshakes < 20; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(resumedByServer, 20, 'and so did the server');
      assert.ok(
        protocols.every((p) => p === protocol),
        protocols.join(),
      );
      if (lookups === 'all') assert.ok(idLookups >= 20, `looked up by id ${idLookups} times`);
      if (lookups === 'none') assert.equal(idLookups, 0, 'no id lookup: the ticket carried the session');
    });
  }

  it('a full-handshake run against the same server is never resumed', async () => {
    const result = await runHandshakeLoad({ ...options, port });
    assert.equal(result.resumed, 0);
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
