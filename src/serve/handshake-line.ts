// The "handshake" event of a connection, written when it closes. One shape for every connection:
// what does not apply (no HelloRetryRequest, no client certificate, not resumed) is undefined,
// which neither log format writes. It used to be spread together from the facts and a "rare" part,
// which cost V8's slow paths (rest copies, map transitions) per connection.

import type net from 'node:net';
import type { LogEvent } from '../observe/index.ts';
import { type ConnectionState, elapsedMs } from './connection-state.ts';
import type { HandshakeFacts } from './handshake/index.ts';
import type { ResumptionFacts } from './resumption/index.ts';
import type { SiteRuntime } from './site-runtime.ts';

export function handshakeLine(
  state: ConnectionState,
  site: SiteRuntime,
  facts: HandshakeFacts,
  resumption: ResumptionFacts,
  handshakeMs: number,
  raw: net.Socket,
): LogEvent {
  return {
    event: 'handshake',
    listener: state.listener.name,
    client: state.client,
    conn_id: state.connId,
    site: site.plan.id,
    sni: facts.sni,
    version: facts.version,
    cipher: facts.cipher,
    group: facts.group,
    signature_algorithm: facts.signature_algorithm,
    alpn: facts.alpn,
    resumed: facts.resumed,
    ja4: facts.ja4,
    hello_retry: facts.hello_retry ? true : undefined,
    client_certificate: facts.client_certificate ?? undefined,
    // Absent unless resumed by ticket (resumptionFacts sets them only then).
    resumed_by: resumption.resumed_by ?? undefined,
    ticket_key: resumption.ticket_key,
    ticket_key_current: resumption.ticket_key_current,
    handshake_ms: handshakeMs,
    duration_ms: elapsedMs(state.acceptedAt),
    bytes_in: raw.bytesRead,
    bytes_out: raw.bytesWritten,
  };
}
