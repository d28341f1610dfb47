// Passthrough (seed 000 §4.2): the site is chosen from the ClientHello's SNI, and the bytes go to
// the TCP upstream undecrypted — tlsterm holds no key for it. The upstream's plaintext ServerHello
// is read on the way back so the handshake event still says what was negotiated (version, suite,
// group), or that the upstream refused.

import { Buffer } from 'node:buffer';
import type net from 'node:net';
import type { TcpUpstream } from '../../config/plan.ts';
import { groupById, suiteById, versionName } from '../../tls/index.ts';
import {
  AlertDescription,
  encodeAlert,
  equalBytes,
  ProtocolVersion,
  type ServerHelloSniff,
  sniffServerHello,
} from '../../wire/index.ts';
import { type ConnectionState, elapsedMs, logFailure } from '../connection-state.ts';
import { helloJa4, helloOfferMembers } from '../handshake/index.ts';
import { countPassthrough } from '../metrics.ts';
import { relay } from './relay.ts';
import { connectTcpUpstream } from './upstream.ts';

const SNIFF_LIMIT = 16_384 + 5;

/** `raw` is paused with its ClientHello bytes already read into `sniffed`. */
export function passthrough(
  raw: net.Socket,
  sniffed: Buffer,
  state: ConnectionState,
  upstream: TcpUpstream,
): void {
  const target = `tcp://${upstream.url.host}`;
  raw.allowHalfOpen = true;
  connectTcpUpstream(upstream, raw, raw, sniffed, {
    onFail: (why) => {
      logFailure(
        state,
        { reason: 'upstream_unreachable', detail: `cannot connect to ${target}: ${why}` },
        raw,
      );
      // The client has heard nothing yet: a TLS alert says more than a reset.
      raw.end(encodeAlert('fatal', AlertDescription.internal_error));
    },
    onConnect: (up) => {
      let verdict: ServerHelloSniff = { kind: 'need-more' };
      let seen: Buffer = Buffer.alloc(0);
      let handshakeMs = 0;
      const tap = (chunk: Buffer): void => {
        seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
        verdict = sniffServerHello(seen, SNIFF_LIMIT);
        if (verdict.kind !== 'need-more') {
          handshakeMs = elapsedMs(state.acceptedAt);
          up.off('data', tap);
          seen = Buffer.alloc(0);
        }
      };
      up.on('data', tap);
      relay(
        raw,
        up,
        (ends) => report(state, raw, target, verdict, handshakeMs, ends.error),
        upstream.idleTimeoutMs,
      );
    },
  });
}

function report(
  state: ConnectionState,
  raw: net.Socket,
  target: string,
  verdict: ServerHelloSniff,
  handshakeMs: number,
  error: string | undefined,
): void {
  if (state.done) return;
  if (verdict.kind !== 'server-hello') {
    const detail =
      verdict.kind === 'alert'
        ? `${target} refused the handshake with alert ${verdict.alert.name}`
        : verdict.kind === 'not-tls'
          ? `${target} did not answer with TLS: ${verdict.detail}`
          : `${target} closed before sending a ServerHello${error ? ` (${error})` : ''}`;
    logFailure(state, { reason: 'upstream_refused', detail }, raw);
    return;
  }
  state.done = true;
  const sh = verdict.hello;
  const hello = state.hello;
  const suite = suiteById(sh.cipherSuite);
  const group = sh.keyShareGroup !== undefined ? groupById(sh.keyShareGroup) : undefined;
  const resumed =
    sh.selectedVersion === ProtocolVersion.tls13
      ? sh.pskSelectedIdentity !== undefined
      : hello !== undefined && hello.sessionId.length > 0 && equalBytes(hello.sessionId, sh.sessionId);
  countPassthrough(
    state.listener,
    state.site,
    versionName(sh.selectedVersion),
    suite?.iana ?? `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`,
    group?.openssl ?? null,
    resumed,
    handshakeMs,
    raw.bytesRead,
    raw.bytesWritten,
  );
  state.log(
    {
      event: 'handshake',
      mode: 'passthrough',
      listener: state.listener.name,
      client: state.client,
      conn_id: state.connId,
      site: state.site?.plan.id ?? null,
      upstream: target,
      sni: hello?.serverName ?? null,
      version: versionName(sh.selectedVersion),
      cipher: { iana: suite?.iana ?? null, openssl: suite?.openssl ?? null },
      group: group?.openssl ?? null,
      hello_retry: sh.isHelloRetryRequest,
      // TLS 1.3 sends ALPN encrypted: only a TLS 1.2 ServerHello shows it.
      alpn: sh.alpn ?? null,
      resumed,
      handshake_ms: handshakeMs,
      duration_ms: elapsedMs(state.acceptedAt),
      bytes_in: raw.bytesRead,
      bytes_out: raw.bytesWritten,
      ...(error !== undefined ? { error } : {}),
      ja4: helloJa4(hello),
    },
    helloOfferMembers(hello),
  );
}
