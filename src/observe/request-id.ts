// Request ids: an incoming one is kept when it is a sane token (what a front proxy or the client
// set, so the lines join across hops); otherwise one is made, cheaply: a random prefix per process
// (drawn once) and a counter, so ids are unique across workers and restarts without crypto per request.

import { randomBytes } from 'node:crypto';

export const MAX_REQUEST_ID_LENGTH = 128;

/** 1..128 visible ASCII characters (0x21-0x7e): safe in a header, a log line and a shell. */
export function isSaneRequestId(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

let prefix = '';
let counter = 0;

/** A new id: 12 hex digits of this process's random prefix, a dash, a counter in base 36. */
export function newRequestId(): string {
  if (prefix === '') prefix = randomBytes(6).toString('hex');
  counter++;
  return `${prefix}-${counter.toString(36)}`;
}

/** The incoming id if sane, else a new one. */
export const requestIdFor = (incoming: string | undefined): string =>
  incoming !== undefined && isSaneRequestId(incoming) ? incoming : newRequestId();
