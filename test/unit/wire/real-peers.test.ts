// The sniffer against real clients, live: a tiny net server on 127.0.0.1:0 calls sniffClientHello
// after every read, as the accept path will, and never answers. Complements the captured fixtures
// (which the other tests use) by checking that today's clients still parse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { describe, it } from 'node:test';
import { joinFragments, readHandshakeMessages } from '../../../src/wire/handshake.ts';
import { ja4 } from '../../../src/wire/ja4.ts';
import { offeredVersions } from '../../../src/wire/offered-versions.ts';
import { readRecords } from '../../../src/wire/record.ts';
import { parseServerHello } from '../../../src/wire/server-hello.ts';
import { type SniffResult, sniffClientHello } from '../../../src/wire/sniff.ts';
import { clients, runClient, selfSigned, serverResponse } from '../../fixtures/wire/capture.ts';
import { readFixture } from './helpers.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const LIMIT = 16384;

interface Sniffed {
  readonly result: SniffResult;
  readonly reads: number;
  readonly bytes: Uint8Array;
}

/** Accepts one connection and sniffs after each read until the verdict is not need-more. */
async function sniffLive(connect: (port: number) => () => void, timeoutMs = 8000): Promise<Sniffed> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  let stop: (() => void) | undefined;
  try {
    return await new Promise<Sniffed>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no verdict in time')), timeoutMs);
      server.once('connection', (socket) => {
        let buf = Buffer.alloc(0);
        let reads = 0;
        socket.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          reads++;
          const result = sniffClientHello(buf, LIMIT);
          if (result.kind === 'need-more') return;
          clearTimeout(timer);
          socket.destroy();
          resolve({ result, reads, bytes: new Uint8Array(buf) });
        });
        socket.on('error', () => {});
      });
      stop = connect(port);
    });
  } finally {
    stop?.();
    server.close();
  }
}

function hello(s: Sniffed) {
  assert.equal(s.result.kind, 'client-hello', JSON.stringify(s.result));
  const r = s.result as Extract<SniffResult, { kind: 'client-hello' }>;
  assert.equal(r.consumed, s.bytes.length, 'the client sends nothing after its hello before an answer');
  return r.hello;
}

describe('sniffing real clients', { concurrency: 1 }, () => {
  it('openssl s_client -tls1_2', { skip: !has('openssl') }, async () => {
    const h = hello(await sniffLive(clients['openssl-tls12']!));
    assert.equal(h.serverName, undefined);
    assert.deepEqual(offeredVersions(h), [0x0300, 0x0301, 0x0302, 0x0303]);
    assert.match(ja4(h), /^t12i\d{4}00_/);
  });

  it('openssl s_client -tls1_3 -servername a.test -alpn h2,http/1.1', { skip: !has('openssl') }, async () => {
    const h = hello(await sniffLive(clients['openssl-tls13']!));
    assert.equal(h.serverName, 'a.test');
    assert.deepEqual(h.alpn, ['h2', 'http/1.1']);
    assert.deepEqual(offeredVersions(h), [0x0304]);
    assert.match(ja4(h), /^t13d\d{4}h2_/);
  });

  it('curl https://a.test (resolved to 127.0.0.1)', { skip: !has('curl') }, async () => {
    const h = hello(await sniffLive(clients.curl!));
    assert.equal(h.serverName, 'a.test');
    assert.match(ja4(h), /^t13d\d{4}h2_/);
  });

  it('Node 24 tls.connect with X25519MLKEM768 (a ~1.5 KB hello), same JA4 as the fixture', async () => {
    const s = await sniffLive(clients['node-mlkem']!);
    const h = hello(s);
    assert.ok(s.bytes.length > 1400);
    assert.deepEqual(h.keyShareGroups, [0x11ec]);
    const fixture = sniffClientHello(readFixture('client-hello-node-mlkem'), LIMIT);
    assert.equal(fixture.kind, 'client-hello');
    if (fixture.kind === 'client-hello') assert.equal(ja4(h), ja4(fixture.hello));
  });

  it('curl http:// and curl --http2-prior-knowledge are plaintext HTTP', { skip: !has('curl') }, async () => {
    const port = (p: number) => `http://127.0.0.1:${p}/`;
    const h1 = await sniffLive((p) => runClient('curl', ['-s', '--max-time', '5', port(p)]));
    assert.deepEqual(h1.result, { kind: 'http', method: 'GET' });
    const h2c = await sniffLive((p) =>
      runClient('curl', ['-s', '--max-time', '5', '--http2-prior-knowledge', port(p)]),
    );
    assert.deepEqual(h2c.result, { kind: 'http', method: 'PRI' });
  });
});

describe('real ServerHellos from a Node 24 server', { concurrency: 1 }, () => {
  async function firstServerHello(clientFlight: Uint8Array, options: Parameters<typeof serverResponse>[1]) {
    const bytes = await serverResponse(clientFlight, options);
    const { records } = readRecords(bytes);
    const handshake = records.filter((r) => r.header.type === 22);
    const { messages } = readHandshakeMessages(joinFragments(handshake.slice(0, 1)));
    assert.equal(messages[0]?.type, 2);
    const r = parseServerHello(messages[0]!.body);
    assert.ok(r.ok, r.ok ? '' : r.error);
    return r.value;
  }

  it('answers TLS 1.3 and, forced by its groups, a HelloRetryRequest', {
    skip: !has('openssl'),
  }, async () => {
    const { key, cert, cleanup } = selfSigned();
    try {
      const live = await sniffLive(clients['node-hrr-client']!);
      hello(live);
      const hrr = await firstServerHello(live.bytes, { key, cert, ecdhCurve: 'P-384' });
      assert.equal(hrr.isHelloRetryRequest, true);
      assert.equal(hrr.keyShareGroup, 0x0018);
      const normal = await firstServerHello(live.bytes, { key, cert });
      assert.equal(normal.isHelloRetryRequest, false);
      assert.equal(normal.selectedVersion, 0x0304);
      assert.equal(normal.keyShareGroup, 0x001d);
    } finally {
      cleanup();
    }
  });
});
