// limits: and timeouts: from the config file reach a real `tlsterm serve`: the N+1th connection
// from one client address is closed at accept (before any TLS), with a log line naming the limit;
// a config timeout (header: 1s) is the one the HTTP layer runs.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { inspectConfig, type ServeProcess, startServe } from './serve-harness.ts';

let serve: ServeProcess;
let tmp: { dir: string; cleanup: () => void };

before(async () => {
  tmp = makeTempDir('tlsterm-conn-limits');
  const pki = await makePki(tmp.dir);
  serve = await startServe(
    tmp.dir,
    inspectConfig(
      tmp.dir,
      pki,
      `    name: edge
    timeouts: { header: 1s }
    limits: { max_connections_per_client: 3 }
`,
    ),
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

/** A TLS connection: the socket once the handshake is done, or the error that ended it. */
const handshake = (): Promise<tls.TLSSocket | Error> =>
  new Promise((resolve) => {
    const s = tls.connect({
      port: serve.port,
      host: '127.0.0.1',
      servername: 'example.test',
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(new Error('no answer within 3 s'));
    }, 3000);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });

describe('limits and timeouts from the config', () => {
  test('max_connections_per_client: the 4th connection from 127.0.0.1 is closed before any TLS', async () => {
    const open: tls.TLSSocket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = await handshake();
        assert.ok(s instanceof tls.TLSSocket, `connection ${i + 1} refused: ${String(s)}`);
        s.on('error', () => {});
        open.push(s);
      }
      // Plain TCP: not one byte comes back, the server just closes.
      const bytes = await new Promise<number>((resolve) => {
        let n = 0;
        const raw = net.connect(serve.port, '127.0.0.1');
        raw.on('data', (c: Buffer) => {
          n += c.length;
        });
        raw.on('error', () => {});
        const timer = setTimeout(() => {
          raw.destroy();
          resolve(-1);
        }, 3000);
        raw.on('close', () => {
          clearTimeout(timer);
          resolve(n);
        });
      });
      assert.equal(bytes, 0, bytes === -1 ? 'the 4th connection was kept open' : 'the server answered');
      const refused = await handshake();
      assert.ok(refused instanceof Error, 'a 4th TLS handshake succeeded');
      const line = await serve.waitFor((e) => e['event'] === 'connection_refused', 3000);
      assert.equal(line['limit'], 'max_connections_per_client');
      assert.equal(line['max'], 3);
      assert.equal(line['listener'], 'edge');
      // One closes: room for one more.
      const gone = open.pop()!;
      await new Promise<void>((resolve) => {
        gone.once('close', () => resolve());
        gone.destroy();
      });
      await new Promise((r) => setTimeout(r, 100));
      const again = await handshake();
      assert.ok(again instanceof tls.TLSSocket, `no room after a close: ${String(again)}`);
      open.push(again);
    } finally {
      for (const s of open) s.destroy();
    }
  });

  test('timeouts.header from the config: an unfinished head gets 408 after 1 s', async () => {
    await new Promise((r) => setTimeout(r, 200)); // the previous test's sockets are closed server-side
    const s = await handshake();
    assert.ok(s instanceof tls.TLSSocket, String(s));
    const t0 = performance.now();
    const got = await new Promise<string>((resolve) => {
      let text = '';
      s.on('data', (c: Buffer) => {
        text += c.toString('latin1');
      });
      s.on('error', () => {});
      const timer = setTimeout(() => s.destroy(), 5000);
      s.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
      s.write('GET / HTTP/1.1\r\nHost: example.test\r\nX-Slow: ');
    });
    assert.match(got, /^HTTP\/1\.1 408 /);
    assert.ok(performance.now() - t0 < 3000, `408 after ${Math.round(performance.now() - t0)} ms`);
  });
});
