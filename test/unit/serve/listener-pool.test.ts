import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { createListenerPool } from '../../../src/serve/listener-pool.ts';

const get = (port: number, agent?: http.Agent): Promise<{ body: string; connection: string | undefined }> =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', ...(agent ? { agent } : { agent: false }) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });

const answering = (text: string): http.Server => http.createServer((_req, res) => res.end(text));

test('the newest server gets new connections; the socket stays until the last one lets go', async () => {
  const pool = createListenerPool();
  const old = answering('old');
  const a = await pool.generation()(old, '127.0.0.1', 0);
  const port = a.address().port;
  assert.equal((await get(port)).body, 'old');

  // A keep-alive connection held by the old server keeps being its own after the new one attaches.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await get(port, agent);
  assert.equal(first.body, 'old');
  assert.equal(first.connection, 'keep-alive');

  const fresh = answering('new');
  const b = await pool.generation()(fresh, '127.0.0.1', 0);
  assert.equal(b.address().port, port, 'the same socket, not a second bind');
  assert.equal(pool.size(), 1);
  assert.equal((await get(port)).body, 'new');
  assert.equal((await get(port, agent)).body, 'old', 'the held connection is still the old server’s');

  agent.destroy();
  await a.close();
  assert.equal((await get(port)).body, 'new');
  await b.close();
  assert.equal(pool.size(), 0);
  await assert.rejects(get(port), /ECONNREFUSED/);
});

test('a port in use is the bind error, and the address can be asked for again', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  const pool = createListenerPool();
  await assert.rejects(pool.generation()(answering('x'), '127.0.0.1', port), /EADDRINUSE/);
  assert.equal(pool.size(), 0);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  const bound = await pool.generation()(answering('x'), '127.0.0.1', port);
  assert.equal((await get(port)).body, 'x');
  await bound.close();
});

test('a pooled http.Server still enforces its header timeout (its checks start on attach)', async () => {
  const pool = createListenerPool();
  const server = http.createServer(
    { headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 100 },
    (_req, res) => res.end('never'),
  );
  const bound = await pool.generation()(server, '127.0.0.1', 0);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(bound.address().port, '127.0.0.1', () =>
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n'),
    );
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    // Bounded: without the checks, nothing would ever end this connection.
    setTimeout(() => {
      socket.destroy();
      resolve(got || 'no answer in 5 s');
    }, 5000).unref();
  });
  assert.match(answer, /^HTTP\/1\.1 408 /);
  await bound.close();
});

test('two servers of one generation asking for port 0 get two sockets, and the next generation the same two', async () => {
  const pool = createListenerPool();
  const first = pool.generation();
  const a1 = await first(answering('a1'), '127.0.0.1', 0);
  const b1 = await first(answering('b1'), '127.0.0.1', 0);
  assert.notEqual(a1.address().port, b1.address().port);
  const second = pool.generation();
  const a2 = await second(answering('a2'), '127.0.0.1', 0);
  const b2 = await second(answering('b2'), '127.0.0.1', 0);
  assert.deepEqual([a2.address().port, b2.address().port], [a1.address().port, b1.address().port]);
  assert.equal(pool.size(), 2);
  assert.equal((await get(a1.address().port)).body, 'a2');
  assert.equal((await get(b1.address().port)).body, 'b2');
  await Promise.all([a1, b1, a2, b2].map((b) => b.close()));
  assert.equal(pool.size(), 0);
});
