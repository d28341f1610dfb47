// One raw probe: TCP connect, write one ClientHello, read until the answer is complete (see
// server-flight.ts), an alert, a close or a timeout, then destroy the socket. Nothing the server
// sends can make this throw; every ending is an Outcome.
import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import net from 'node:net';
import { keyShareFor } from './key-shares.ts';
import { encodeOffer, type Offer } from './offer.ts';
import { type Flight, readServerFlight } from './server-flight.ts';

export interface Endpoint {
  /** Resolved address to connect to. */
  readonly address: string;
  readonly port: number;
  readonly timeoutMs: number;
}

export type Outcome =
  | Exclude<Flight, { kind: 'need-more' }>
  | { readonly kind: 'timeout'; readonly detail: string }
  | { readonly kind: 'reset'; readonly detail: string }
  | { readonly kind: 'connect-error'; readonly code: string; readonly detail: string };

/** Largest answer read: a long chain with a stapled OCSP response fits well within this. */
const MAX_ANSWER = 256 * 1024;

export function exchange(endpoint: Endpoint, offer: Offer): Promise<Outcome> {
  const hello = encodeOffer(offer, {
    random: new Uint8Array(crypto.randomBytes(32)),
    sessionId: new Uint8Array(crypto.randomBytes(32)),
    shareFor: keyShareFor,
  });
  return exchangeBytes(endpoint, hello);
}

export function exchangeBytes(endpoint: Endpoint, hello: Uint8Array): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    let settled = false;
    const socket = net.connect({ host: endpoint.address, port: endpoint.port });
    socket.setNoDelay(true);

    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const bytes = (): Uint8Array => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const timer = setTimeout(() => {
      if (!connected) {
        finish({ kind: 'connect-error', code: 'ETIMEDOUT', detail: 'TCP connect timed out' });
        return;
      }
      const partial = readServerFlight(bytes(), true);
      if (partial.kind === 'hello') finish(partial);
      else
        finish({
          kind: 'timeout',
          detail:
            received === 0
              ? `no answer within ${endpoint.timeoutMs} ms`
              : `answer incomplete after ${endpoint.timeoutMs} ms (${received} bytes)`,
        });
    }, endpoint.timeoutMs);

    socket.once('connect', () => {
      connected = true;
      socket.write(hello);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const flight = readServerFlight(bytes(), received >= MAX_ANSWER);
      if (flight.kind !== 'need-more') finish(flight);
    });
    socket.once('end', () => {
      const flight = readServerFlight(bytes(), true);
      finish(flight.kind === 'need-more' ? { kind: 'closed', detail: 'closed' } : flight);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      if (!connected) {
        finish({ kind: 'connect-error', code, detail: error.message });
        return;
      }
      // A reset after a complete-enough answer still counts as that answer.
      const flight = readServerFlight(bytes(), true);
      if (flight.kind === 'hello' || flight.kind === 'alert' || flight.kind === 'hrr') finish(flight);
      else finish({ kind: 'reset', detail: `the server reset the connection (${code})` });
    });
  });
}
