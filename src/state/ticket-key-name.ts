// Which ticket key a resuming client's ticket was made under. OpenSSL's tickets (and so Node's)
// start with the 16-byte name of the key that encrypted them (RFC 5077 §4's recommended layout:
// key_name ‖ IV ‖ encrypted state ‖ MAC), and the client sends the ticket back verbatim: in TLS 1.3
// as the pre_shared_key identity, in TLS 1.2 as the SessionTicket extension's data.

import type { ClientHello } from '../wire/index.ts';
import { TICKET_KEY_NAME_BYTES } from './ticket-key.ts';

/**
 * The 16-byte key name of the ticket a ClientHello offers (a view into the hello's bytes), or
 * undefined when it offers none. The TLS 1.3 identity wins when a hello carries both.
 */
export function ticketKeyName(hello: ClientHello): Uint8Array | undefined {
  const identity = hello.pskIdentities[0];
  if (identity !== undefined) return nameOf(identity);
  return hello.sessionTicket === undefined ? undefined : nameOf(hello.sessionTicket);
}

// A ticket shorter than a name cannot be one of ours (an empty SessionTicket extension asks for a
// new ticket; a short PSK identity is an external PSK or another server's stateful ticket).
const nameOf = (ticket: Uint8Array): Uint8Array | undefined =>
  ticket.length > TICKET_KEY_NAME_BYTES ? ticket.subarray(0, TICKET_KEY_NAME_BYTES) : undefined;
