// The key set as text, for Redis and for IPC between the cluster primary and its workers:
// {"v":1,"keys":[{"k":"<base64 of the 48 bytes>","at":<activeAt ms>}, …]}. Decoding never throws:
// a value someone else wrote (another version, a typo in redis-cli) is a result to look at.

import { Buffer } from 'node:buffer';
import { fail, ok, type ParseResult } from '../wire/index.ts';
import { TICKET_KEY_BYTES, type TicketKey, ticketKeyFrom } from './ticket-key.ts';

const VERSION = 1;
const MAX_KEYS = 64;

export function encodeTicketKeys(keys: readonly TicketKey[]): string {
  return JSON.stringify({
    v: VERSION,
    keys: keys.map((k) => ({ k: k.material.toString('base64'), at: k.activeAt })),
  });
}

export function decodeTicketKeys(text: string): ParseResult<TicketKey[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('ticket key set is not JSON');
  }
  if (typeof value !== 'object' || value === null) return fail('ticket key set is not an object');
  const { v, keys } = value as { v?: unknown; keys?: unknown };
  if (v !== VERSION) return fail(`ticket key set version ${String(v)} (expected ${VERSION})`);
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS)
    return fail(`ticket key set holds no list of 1 to ${MAX_KEYS} keys`);
  const out: TicketKey[] = [];
  for (const [i, entry] of keys.entries()) {
    const { k, at } = (entry ?? {}) as { k?: unknown; at?: unknown };
    if (typeof k !== 'string' || typeof at !== 'number') return fail(`ticket key ${i} lacks "k" or "at"`);
    const material = Buffer.from(k, 'base64');
    const key = ticketKeyFrom(material, at);
    if (key === undefined)
      return fail(`ticket key ${i} is ${material.length} bytes, not ${TICKET_KEY_BYTES}`);
    if (out.some((o) => o.nameHex === key.nameHex)) return fail(`ticket key ${i} repeats a key name`);
    out.push(key);
  }
  return ok(out);
}
