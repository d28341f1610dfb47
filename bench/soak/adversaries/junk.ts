// Junk on the TLS port, the four kinds in turn: random bytes, a malformed ClientHello, plain HTTP,
// and a garbage record after a real handshake. A unit succeeds when the server closes the
// connection within 3 s (it must neither hang on it nor, for the record, show it as a request).
import type net from 'node:net';
import tls from 'node:tls';
import { openTcp, SERVERNAME, sourceAddress } from '../clients.ts';
import { flooder } from './flooder.ts';
import { JUNK_KINDS, junkBytes } from './junk-payloads.ts';

const CLOSE_WITHIN_MS = 3000;

function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A real handshake over a raw socket we keep, then bytes written under TLS's feet. */
async function garbageAfterHandshake(port: number, localAddress: string): Promise<boolean> {
  const raw = await openTcp({ port }, localAddress);
  if (raw instanceof Error) return false;
  const ok = await new Promise<boolean>((resolve) => {
    const t = tls.connect({ socket: raw, servername: SERVERNAME, rejectUnauthorized: false });
    const timer = setTimeout(() => resolve(false), 5000);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    t.on('error', () => {});
  });
  if (!ok) {
    raw.destroy();
    return false;
  }
  raw.write(junkBytes('garbage_record'));
  return closedWithin(raw, CLOSE_WITHIN_MS);
}

export const junk = flooder('junk', 'junk', 20_000, 8, async (port, i) => {
  const kind = JUNK_KINDS[i % JUNK_KINDS.length] ?? 'random_bytes';
  const localAddress = sourceAddress(40, i);
  if (kind === 'garbage_record') return garbageAfterHandshake(port, localAddress);
  const s = await openTcp({ port }, localAddress);
  if (s instanceof Error) return false;
  s.write(junkBytes(kind));
  return closedWithin(s, CLOSE_WITHIN_MS);
});
