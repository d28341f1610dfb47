// Raw HTTP/2 frames over TLS, for what a well-behaved client library will not send (a CR in a field
// value, an empty field name, a window overflow): HPACK literals without indexing only, and a frame
// reader that reports frame types, streams and RST_STREAM / GOAWAY codes (no HPACK decoding).

import tls from 'node:tls';

export const FRAME = { data: 0, headers: 1, rstStream: 3, settings: 4, ping: 6, goaway: 7, windowUpdate: 8 };
export const FLAG = { endStream: 0x1, ack: 0x1, endHeaders: 0x4 };
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
}

export const frame = (
  type: number,
  flags: number,
  stream: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer => {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
};

/** HPACK integer with an n-bit prefix (RFC 7541 §5.1). */
const hpackInt = (value: number, prefixBits: number, first: number): number[] => {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out.push(v);
  return out;
};

/** A header block of literal fields without indexing (new names), any bytes allowed. */
export const headerBlock = (fields: readonly (readonly [string, string])[]): Buffer => {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    parts.push(Buffer.from([0x00, ...hpackInt(n.length, 7, 0)]), n, Buffer.from(hpackInt(v.length, 7, 0)), v);
  }
  return Buffer.concat(parts);
};

export const settingsFrame = (settings: readonly (readonly [number, number])[] = []): Buffer => {
  const p = Buffer.alloc(settings.length * 6);
  settings.forEach(([id, value], i) => {
    p.writeUInt16BE(id, i * 6);
    p.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FRAME.settings, 0, 0, p);
};

export const windowUpdate = (stream: number, increment: number): Buffer => {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(increment & 0x7fffffff, 0);
  return frame(FRAME.windowUpdate, 0, stream, p);
};

export const getRequest = (
  stream: number,
  path: string,
  extra: readonly (readonly [string, string])[] = [],
  endStream = true,
): Buffer =>
  frame(
    FRAME.headers,
    FLAG.endHeaders | (endStream ? FLAG.endStream : 0),
    stream,
    headerBlock([
      [':method', endStream ? 'GET' : 'POST'],
      [':scheme', 'https'],
      [':authority', 'localhost'],
      [':path', path],
      ...extra,
    ]),
  );

export interface RawH2 {
  readonly frames: Frame[];
  send(bytes: Buffer): void;
  /** Resolves when a frame matching `pred` has arrived (or after `timeoutMs` with undefined). */
  waitFrame(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame | undefined>;
  readonly closed: Promise<void>;
  close(): void;
}

/** A TLS connection speaking raw h2 (ALPN h2): preface + SETTINGS (+ `initial` frames) sent at once. */
export const rawH2 = (port: number, initial: Buffer[] = [settingsFrame()]): Promise<RawH2> =>
  new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const frames: Frame[] = [];
    const waiters: { pred: (f: Frame) => boolean; done: (f: Frame | undefined) => void }[] = [];
    let buf = Buffer.alloc(0);
    let closedResolve: () => void = () => {};
    const closed = new Promise<void>((r) => {
      closedResolve = r;
    });
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 9) {
        const len = buf.readUIntBE(0, 3);
        if (buf.length < 9 + len) break;
        const f: Frame = {
          type: buf[3]!,
          flags: buf[4]!,
          stream: buf.readUInt32BE(5) & 0x7fffffff,
          payload: buf.subarray(9, 9 + len),
        };
        buf = buf.subarray(9 + len);
        frames.push(f);
        // Acknowledge the server's SETTINGS like any client would.
        if (f.type === FRAME.settings && (f.flags & FLAG.ack) === 0)
          s.write(frame(FRAME.settings, FLAG.ack, 0));
        for (const w of [...waiters])
          if (w.pred(f)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.done(f);
          }
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      for (const w of waiters.splice(0)) w.done(undefined);
      closedResolve();
    });
    s.once('secureConnect', () => {
      if (s.alpnProtocol !== 'h2') {
        s.destroy();
        reject(new Error('no h2'));
        return;
      }
      s.write(Buffer.concat([PREFACE, ...initial]));
      resolve({
        frames,
        send: (b) => {
          if (!s.destroyed) s.write(b);
        },
        waitFrame: (pred, timeoutMs = 5000) => {
          const seen = frames.find(pred);
          if (seen !== undefined) return Promise.resolve(seen);
          if (s.destroyed) return Promise.resolve(undefined);
          return new Promise((done) => {
            const w = {
              pred,
              done: (f: Frame | undefined) => {
                clearTimeout(timer);
                done(f);
              },
            };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(w), 1);
              done(undefined);
            }, timeoutMs);
            waiters.push(w);
          });
        },
        closed,
        close: () => s.destroy(),
      });
    });
    s.once('error', reject);
  });

/** The error code of a RST_STREAM or GOAWAY frame. */
export const errorCodeOf = (f: Frame): number =>
  f.type === FRAME.goaway ? f.payload.readUInt32BE(4) : f.payload.readUInt32BE(0);
