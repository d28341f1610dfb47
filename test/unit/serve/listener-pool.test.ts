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
  const a = await pool.listen(old, '127.0.0.1', 0);
  const port = a.address().port;
  assert.equal((await get(port)).body, 'old');

  // A keep-alive connection held by the old server keeps being its own after the new one attaches.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await get(port, agent);
  assert.equal(first.body, 'old');
  assert.equal(first.connection, 'keep-alive');

  const fresh = answering('new');
  const b = await pool.listen(fresh, '127.0.0.1', 0);
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
  await assert.rejects(pool.listen(answering('x'), '127.0.0.1', port), /EADDRINUSE/);
  assert.equal(pool.size(), 0);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  const bound = await pool.listen(answering('x'), '127.0.0.1', port);
  assert.equal((await get(port)).body, 'x');
  await bound.close();
});
