// The ticket lifetime in a Node TLS session (`tlsSocket.getSession()` / the 'session' event: an
// OpenSSL SSL_SESSION in DER). Node does not expose the lifetime hint the server sent, but OpenSSL
// keeps it in the session as field [9] tlsext_tick_lifetime_hint (and the ticket as [10]). The
// session also holds the master secret; this reader looks at nothing but those two fields. Node
// 24 prefixes the DER with its own header ("nodejs:tls:session:1", the server name), so the
// SEQUENCE is found as the one element that runs exactly to the end of the buffer.
import { children, readTlv, type Tlv, unsigned } from '../wire/index.ts';

export interface SessionTicketInfo {
  /** Seconds; undefined when the session carries no hint. */
  readonly lifetimeHint: number | undefined;
  readonly hasTicket: boolean;
}

function findSession(bytes: Uint8Array): Tlv | undefined {
  for (let at = 0; at < Math.min(bytes.length, 1024); at++) {
    if (bytes[at] !== 0x30) continue;
    const t = readTlv(bytes, at);
    if (t?.end === bytes.length) return t;
  }
  return undefined;
}

export function readSessionTicketInfo(session: Uint8Array): SessionTicketInfo {
  const top = findSession(session);
  const fields = top?.tag === 0x30 ? children(top.value) : undefined;
  if (!fields) return { lifetimeHint: undefined, hasTicket: false };
  let lifetimeHint: number | undefined;
  let hasTicket = false;
  for (const f of fields) {
    if (f.tag === 0xa9) {
      const n = readTlv(f.value);
      if (n?.tag === 0x02) lifetimeHint = unsigned(n.value);
    } else if (f.tag === 0xaa) {
      const t = readTlv(f.value);
      hasTicket = t?.tag === 0x04 && t.value.length > 0;
    }
  }
  return { lifetimeHint, hasTicket };
}
