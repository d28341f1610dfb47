// One session-ticket key as OpenSSL (through Node) uses it: 48 bytes = 16-byte key name ‖ 16-byte
// HMAC key ‖ 16-byte AES key. The name travels in clear as the first 16 bytes of every ticket made
// under the key, which is what lets the accept path pick the server able to decrypt a ticket.
// The material is secret: it is a non-enumerable property, so JSON.stringify and util.inspect of
// a key (say, in a log line) show the name and times but never the bytes.

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { equalBytes, toHex } from '../wire/index.ts';

export const TICKET_KEY_BYTES = 48;
export const TICKET_KEY_NAME_BYTES = 16;

export interface TicketKey {
  /** The 16-byte key name (a view into `material`). */
  readonly name: Uint8Array;
  /** The key name in lowercase hex: the identity to compare, log or index by. */
  readonly nameHex: string;
  /** When this key becomes the one new tickets are issued under (ms since the epoch). */
  readonly activeAt: number;
  /** name ‖ HMAC key ‖ AES key, as `tls.Server#setTicketKeys` takes it. Secret; not enumerable. */
  readonly material: Buffer;
}

/** A key from its 48 bytes (copied), or undefined when the length is wrong. */
export function ticketKeyFrom(material: Uint8Array, activeAt: number): TicketKey | undefined {
  if (material.length !== TICKET_KEY_BYTES || !Number.isFinite(activeAt)) return undefined;
  const bytes = Buffer.from(material);
  const name = bytes.subarray(0, TICKET_KEY_NAME_BYTES);
  const key: Omit<TicketKey, 'material'> = { name, nameHex: toHex(name), activeAt };
  return Object.freeze(
    Object.defineProperty(key, 'material', { value: bytes, enumerable: false }),
  ) as TicketKey;
}

/** A fresh random key that starts issuing at `activeAt`. */
export function generateTicketKey(activeAt: number): TicketKey {
  return ticketKeyFrom(crypto.randomBytes(TICKET_KEY_BYTES), activeAt)!;
}

/**
 * The key is named `name`: 16 bytes (a ticket's first bytes, compared as they are: the accept path
 * asks this per resumed connection) or its hex spelling (any case).
 */
export function hasName(key: TicketKey, name: Uint8Array | string): boolean {
  return typeof name === 'string' ? key.nameHex === name.toLowerCase() : equalBytes(key.name, name);
}

/** Same name, same material, same activation time. */
export function sameTicketKey(a: TicketKey, b: TicketKey): boolean {
  return a.activeAt === b.activeAt && a.material.equals(b.material);
}
