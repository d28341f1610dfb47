// The socket an `inspect` site's TLS server reads and writes through: it passes every byte on and
// keeps the first ones of each direction, so the page can draw the visitor's own handshake. Only
// these sites pay for it (a JS stream under TLSWrap instead of the socket's handle); every other
// site hands OpenSSL the raw socket.

import type { Buffer } from 'node:buffer';
import type net from 'node:net';
import { Duplex } from 'node:stream';
import type { OwnHandshake } from '../../http/index.ts';

/** Per direction: a TLS 1.3 handshake with a 4 KiB chain and a request fit many times over. */
export const OWN_BYTES_BOUND = 64 * 1024;

type Dir = 'client' | 'server';

class Recording implements OwnHandshake {
  readonly chunks: { dir: Dir; data: Uint8Array; time: number }[] = [];
  readonly keyLog: string[] = [];
  readonly truncated = { client: false, server: false };
  resumption?: Readonly<Record<string, unknown>>;
  private readonly kept = { client: 0, server: 0 };

  add(dir: Dir, bytes: Uint8Array): void {
    const room = OWN_BYTES_BOUND - this.kept[dir];
    if (room <= 0) {
      this.truncated[dir] = true;
      return;
    }
    // Copied: a chunk handed to a write may be reused by its writer.
    const data = Uint8Array.prototype.slice.call(bytes, 0, Math.min(room, bytes.length));
    if (data.length < bytes.length) this.truncated[dir] = true;
    this.kept[dir] += data.length;
    this.chunks.push({ dir, data, time: Date.now() / 1000 });
  }
}

export class CapturingSocket extends Duplex {
  readonly raw: net.Socket;
  readonly own = new Recording();

  /** `hello`: the bytes already read from `raw` (the sniffed ClientHello), passed on first. */
  constructor(raw: net.Socket, hello: Buffer) {
    super({ allowHalfOpen: false });
    this.raw = raw;
    this.own.add('client', hello);
    this.push(hello);
    raw.on('data', (chunk: Buffer) => {
      this.own.add('client', chunk);
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    raw.on('close', () => this.destroy());
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.own.add('server', chunk);
    this.raw.write(chunk, (e) => done(e ?? null));
  }

  override _final(done: (error?: Error | null) => void): void {
    this.raw.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.raw.destroy();
    done(error);
  }
}
