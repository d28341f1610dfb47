// Connection-level limits on the HTTP/1.1 front: head timeout (slowloris), keep-alive idle timeout,
// head size, and HTTP/1.0 clients.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import {
  type Backend,
  curl,
  type Front,
  makeCert,
  rawExchange,
  startBackend,
  startFront,
  type TestCert,
  waitFor,
} from './http-harness.ts';

let cert: TestCert;
let backend: Backend;
let front: Front;

before(async () => {
  cert = makeCert();
  backend = await startBackend((req, res) => {
    if (req.url === '/chunked') {
      res.write('part1,');
      res.end('part2');
      return;
    }
    res.end('ok');
  });
  front = await startFront(cert, {
    upstream: backend.url,
    http: { headersTimeoutMs: 300, keepAliveTimeoutMs: 400, maxHeaderBytes: 2048 },
  });
});

after(async () => {
  await front.close();
  await backend.close();
});

describe('connection limits', () => {
  test('a head that never completes gets 408 and the connection closes', async () => {
    const n = front.logs.length;
    const r = await rawExchange(front.port, 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ', { idleMs: 3000 });
    assert.match(r.response, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.ok(r.closed);
    assert.ok(front.logs.slice(n).some((e) => e.event === 'http_rejected' && e.status === 408));
  });

  test('a head dripped byte by byte past the timeout gets 408', async () => {
    const result = await new Promise<string>((resolve) => {
      const s = tls.connect({ port: front.port, host: '127.0.0.1', rejectUnauthorized: false });
      let got = '';
      let i = 0;
      const drip =
        'GET / HTTP/1.1\r\nHost: a\r\nX-Drip: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      const timer = setInterval(() => {
        if (i < drip.length && !s.destroyed) s.write(drip[i++]!);
      }, 20);
      const stop = setTimeout(() => s.destroy(), 4000);
      s.on('data', (c: Buffer) => {
        got += c.toString('latin1');
      });
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(timer);
        clearTimeout(stop);
        resolve(got);
      });
    });
    assert.match(result, /^HTTP\/1\.1 408 /);
  });

  test('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const s = tls.connect({ port: front.port, host: '127.0.0.1', rejectUnauthorized: false });
      s.on('secureConnect', () => s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
      s.on('data', () => {});
      s.on('error', () => {});
      const stop = setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 5000);
      s.on('close', () => {
        clearTimeout(stop);
        resolve(true);
      });
    });
    assert.ok(closed, 'the server closed the idle connection');
  });

  test('a head over maxHeaderBytes gets 431', async () => {
    const r = await curl([
      '--http1.1',
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      '-H',
      `X-Big: ${'b'.repeat(4000)}`,
      `https://localhost:${front.port}/`,
    ]);
    assert.equal(r.stdout, '431');
  });

  test('HTTP/1.0 clients: close-delimited body for a chunked upstream, keep-alive on request', async () => {
    const r = await rawExchange(front.port, 'GET /chunked HTTP/1.0\r\n\r\n', { idleMs: 1500 });
    assert.match(r.response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.doesNotMatch(r.response, /transfer-encoding/i);
    assert.match(r.response, /connection: close\r\n/i);
    assert.ok(r.response.endsWith('\r\n\r\npart1,part2'));
    assert.ok(r.closed);

    const ka = await rawExchange(
      front.port,
      'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n',
      { idleMs: 1500 },
    );
    assert.equal(ka.response.match(/HTTP\/1\.1 200 OK/g)?.length, 2, ka.response);
    assert.match(ka.response, /connection: keep-alive\r\n/i);
  });

  test('pool statistics settle after the requests', async () => {
    assert.ok(await waitFor(() => front.pool!.stats.active === 0));
    assert.ok(front.pool!.stats.created >= 1);
  });
});
