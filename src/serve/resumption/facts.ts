// How a handshake resumed, for its event: by ticket or by session id, and under which ticket key
// (its name's first 8 hex digits, and whether it is the key issuing now or an older one still
// decrypting). Read from the ClientHello we sniffed and OpenSSL's verdict; no extra work when the
// handshake was full.

import { hasName, type TicketKeyRing, ticketKeyName } from '../../state/index.ts';
import type { TlsPolicy } from '../../tls/policy.ts';
import { type ClientHello, ProtocolVersion, toHex } from '../../wire/index.ts';
import type { ResumedBy } from './stats.ts';

export interface ResumptionFacts {
  readonly resumed_by: ResumedBy | null;
  readonly ticket_key?: string;
  readonly ticket_key_current?: boolean;
}

const FULL: ResumptionFacts = Object.freeze({ resumed_by: null });

export function resumptionFacts(
  resumed: boolean,
  hello: ClientHello,
  ring: TicketKeyRing | undefined,
): ResumptionFacts {
  if (!resumed) return FULL;
  // TLS 1.3 resumes by PSK identity (our tickets); TLS 1.2 by ticket when one was offered and
  // tickets are on, else by session id.
  const name = ring === undefined ? undefined : ticketKeyName(hello);
  if (name === undefined || ring === undefined) return { resumed_by: 'session_id' };
  // The name's first 4 bytes in hex, and the name compared as bytes: no hex of the whole name.
  return {
    resumed_by: 'ticket',
    ticket_key: toHex(name.subarray(0, 4)),
    ticket_key_current: hasName(ring.current(), name),
  };
}

/** The handshake will be TLS 1.3 (the client offers it and the policy allows it). */
export const offersTls13 = (hello: ClientHello, policy: TlsPolicy): boolean =>
  policy.maxVersion === 'TLS1.3' && hello.supportedVersions.includes(ProtocolVersion.tls13);
