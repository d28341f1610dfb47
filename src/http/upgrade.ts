// The Upgrade allowlist (issue 13): only the protocols a site lists are tunnelled. After a 101 the
// bytes are no longer HTTP to us: requests sent inside an h2c tunnel would skip the header
// sanitising (X-Forwarded-For, X-Client-Verify) and the request log. A request offering a protocol
// that is not allowed is forwarded as a plain request, its Upgrade and Connection dropped (as nginx
// does unless told to pass them): RFC 9110 §7.8 lets a server ignore Upgrade.

import type { Buffer } from 'node:buffer';
import { ListCursor } from './field-lines.ts';
import { H, valueEqualsLower } from './header-names.ts';
import { latin1, type RequestHead } from './request-head.ts';

/** What a site tunnels when its config says nothing: WebSocket (RFC 6455) only. */
export const DEFAULT_UPGRADES: readonly string[] = Object.freeze(['websocket']);

export interface UpgradeOffer {
  /** The Upgrade field value(s) as sent, lower-cased, for the log. */
  readonly protocols: string;
  /** Every protocol offered is in the allowlist. */
  readonly allowed: boolean;
}

const cursor = new ListCursor();

/** Is protocol[/version] in buf[a, b) named in the allowlist (by its name, case-insensitively)? */
const listed = (buf: Buffer, a: number, b: number, allowed: readonly string[]): boolean => {
  let e = a;
  while (e < b && buf[e] !== 0x2f) e++;
  for (const name of allowed) if (valueEqualsLower(buf, a, e, name)) return true;
  return false;
};

/** Read the Upgrade field(s) of a request that asks to upgrade (head.upgrade). */
export const upgradeOffer = (head: RequestHead, allowed: readonly string[]): UpgradeOffer => {
  const buf = head.buf;
  const fields = head.fields;
  let protocols = '';
  let ok = true;
  for (let i = 0; i < fields.count; i++) {
    if (fields.id(i) !== H.upgrade) continue;
    const vs = fields.valueStart(i);
    const ve = fields.valueEnd(i);
    protocols += (protocols === '' ? '' : ', ') + latin1(buf, vs, ve).toLowerCase();
    cursor.reset(buf, vs, ve);
    while (cursor.next()) if (!listed(buf, cursor.a, cursor.b, allowed)) ok = false;
  }
  return { protocols, allowed: ok && protocols !== '' };
};
