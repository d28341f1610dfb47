// WebSocket through the proxy: the Upgrade goes to a dedicated upstream connection, the 101 comes
// back, then frames flow both ways untouched. Client and server frames are hand-rolled (RFC 6455).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type http from 'node:http';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { type Backend, type Front, makeCert, startBackend, startFront, waitFor } from './http-harness.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string) =>
  crypto
    .createHash('sha1')
    .update(key + GUID)
    .digest('base64');

/** One frame: FIN set, given opcode, optional 4-byte mask (clients must mask). */
const frame = (opcode: number, payload: Buffer, mask: boolean): Buffer => {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = crypto.randomBytes(4);
  key.copy(head, 2 + ext);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([head, body]);
};

interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Incremental frame parser: push bytes, get whole frames. */
class FrameReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): Frame[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Frame[] = [];
    for (;;) {
      if (this.buf.length < 2) return out;
      const b1 = this.buf[1]!;
      let len = b1 & 0x7f;
      let p = 2;
      if (len === 126) {
        if (this.buf.length < 4) return out;
        len = this.buf.readUInt16BE(2);
        p = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return out;
        len = Number(this.buf.readBigUInt64BE(2));
        p = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const keyAt = p;
      if (masked) p += 4;
      if (this.buf.length < p + len) return out;
      const payload = Buffer.from(this.buf.subarray(p, p + len));
      if (masked) for (let i = 0; i < len; i++) payload[i]! ^= this.buf[keyAt + (i % 4)]!;
      out.push({ opcode: this.buf[0]! & 0x0f, payload });
      this.buf = this.buf.subarray(p + len);
    }
  }
}

let backend: Backend;
let front: Front;
const upgrades: http.IncomingMessage[] = [];

before(async () => {
  const cert = makeCert();
  backend = await startBackend((_req, res) => {
    res.statusCode = 426;
    res.end('upgrade required\n');
  });
  backend.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    upgrades.push(req);
    if (req.url === '/refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 3\r\nconnection: close\r\n\r\nno\n');
      return;
    }
    const key = String(req.headers['sec-websocket-key']);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
    );
    const reader = new FrameReader();
    const onData = (c: Buffer) => {
      for (const f of reader.push(c)) {
        if (f.opcode === 0x8) {
          socket.end(frame(0x8, f.payload, false));
          return;
        }
        socket.write(frame(f.opcode, f.payload, false));
      }
    };
    socket.on('error', () => {});
    if (head.length > 0) onData(head);
    socket.on('data', onData);
  });
  front = await startFront(cert, { upstream: backend.url });
});

after(async () => {
  await front.close();
  await backend.close();
});

/** Open a TLS connection, send the upgrade request, resolve once the response head is in. */
const open = (path: string) =>
  new Promise<{ socket: tls.TLSSocket; head: string; reader: FrameReader; frames: Frame[]; rest: Buffer }>(
    (resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64');
      const socket = tls.connect({
        port: front.port,
        host: '127.0.0.1',
        servername: 'localhost',
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error('no upgrade response')), 5000);
      socket.on('error', reject);
      socket.on('secureConnect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
      const onData = (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        socket.off('data', onData);
        const head = buf.subarray(0, end).toString('latin1');
        const reader = new FrameReader();
        const frames: Frame[] = [];
        const rest = buf.subarray(end + 4);
        frames.push(...reader.push(rest));
        socket.on('data', (d: Buffer) => frames.push(...reader.push(d)));
        if (head.includes(' 101 '))
          assert.match(
            head,
            new RegExp(`Sec-WebSocket-Accept: ${accept(key).replace(/[+/=]/g, '\\$&')}`, 'i'),
          );
        resolve({ socket, head, reader, frames, rest });
      };
      socket.on('data', onData);
    },
  );

describe('WebSocket upgrade', () => {
  test('101 comes back and frames echo both ways, small and large', async () => {
    const ws = await open('/chat');
    try {
      assert.match(ws.head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(ws.head, /\r\nUpgrade: websocket/i);
      assert.match(ws.head, /\r\nconnection: upgrade/i);
      const seen = upgrades.at(-1)!;
      assert.equal(seen.headers.upgrade, 'websocket');
      assert.equal(seen.headers['x-forwarded-proto'], 'https');

      ws.socket.write(frame(0x1, Buffer.from('hello'), true));
      assert.ok(await waitFor(() => ws.frames.length >= 1));
      assert.equal(ws.frames[0]!.payload.toString(), 'hello');

      const big = crypto.randomBytes(3 * 1024 * 1024);
      ws.socket.write(frame(0x2, big, true));
      assert.ok(await waitFor(() => ws.frames.length >= 2, 10_000), 'large frame echoed');
      assert.equal(ws.frames[1]!.opcode, 0x2);
      assert.ok(ws.frames[1]!.payload.equals(big));

      ws.socket.write(frame(0x8, Buffer.from([0x03, 0xe8]), true));
      assert.ok(await waitFor(() => ws.frames.length >= 3));
      assert.equal(ws.frames[2]!.opcode, 0x8);
      assert.ok(
        await waitFor(() => ws.socket.destroyed || ws.socket.readableEnded),
        'closed after the close frame',
      );
    } finally {
      ws.socket.destroy();
    }
    const ev = front.logs.find((e) => e.event === 'access' && e.uri === '/chat');
    assert.equal(ev?.status, 101);
  });

  test('upgrade connections are dedicated: never returned to the pool', async () => {
    const ws = await open('/dedicated');
    ws.socket.destroy();
    assert.ok(await waitFor(() => front.pool!.stats.active === 0));
    assert.equal(front.pool!.stats.idle, 0);
  });

  test('an upstream that refuses the upgrade is answered normally', async () => {
    const ws = await open('/refuse');
    try {
      assert.match(ws.head, /^HTTP\/1\.1 403 Forbidden\r\n/);
      assert.match(ws.head, /content-length: 3/i);
      // Not switched: the answer is plain HTTP and the body follows the head.
      assert.doesNotMatch(ws.head, /upgrade/i);
      assert.equal(ws.rest.toString(), 'no\n');
    } finally {
      ws.socket.destroy();
    }
  });
});
