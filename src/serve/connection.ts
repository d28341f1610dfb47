// One accepted TCP connection: sniff the ClientHello (bounded in bytes and time), route by SNI,
// hand the socket (bytes put back) to the site's tls.Server, then to HTTP by ALPN. Whatever
// happens, exactly one event is logged: "handshake" at close, or "handshake_failed".

import { Buffer } from 'node:buffer';
import type net from 'node:net';
import process from 'node:process';
import type tls from 'node:tls';
import { offersAcmeTlsAlpn } from '../certs/acme/responders.ts';
import type { ListenerPlan } from '../config/plan.ts';
import { serveHttp1, serveHttp2 } from '../http/index.ts';
import { endpoint, type Logger } from '../observe/index.ts';
import { AlertDescription, encodeAlert, sniffClientHello } from '../wire/index.ts';
import { acceptedAtOf, clientOf } from './client-peer.ts';
import { nextConnId } from './conn-id.ts';
import { TlsConnectionInfo } from './connection-info.ts';
import { type ConnectionState, elapsedMs, logFailure, STATE } from './connection-state.ts';
import type { ConnectionTracker } from './connection-tracker.ts';
import {
  classifyHandshakeError,
  clientCertificateFailure,
  clientCertLines,
  type Failure,
  mismatch,
  negotiatedFacts,
  offerMembers,
  rfc4514Subject,
  signingKeysOf,
} from './handshake/index.ts';
import { handshakeLine } from './handshake-line.ts';
import type { HostRouting } from './host-routing.ts';
import { CapturingSocket } from './inspect/index.ts';
import { listenerHttpOptions } from './listener-http-options.ts';
import { countConnection, countHandshake } from './metrics.ts';
import type { ListenerResumption } from './resumption/index.ts';
import { resumptionFacts } from './resumption/index.ts';
import { routeSni } from './router.ts';
import { siteResolver } from './site-resolver.ts';
import type { SiteRuntime } from './site-runtime.ts';
import { forwardTcp, passthrough } from './tcp/index.ts';

const NOTHING = Buffer.alloc(0);

const ignore = (): void => {};

const PLAIN_HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 77\r\n\r\n' +
  'This port speaks HTTPS. Use https:// in the URL (plain HTTP was sent to it).\n';

export function acceptConnection(
  raw: net.Socket,
  listener: ListenerPlan,
  routing: HostRouting<SiteRuntime>,
  log: Logger,
  resumption: ListenerResumption,
  tracker: ConnectionTracker,
  /** Answers TLS-ALPN-01 validation handshakes (acme-tls/1); undefined without ACME sites. */
  acmeTls?: tls.Server,
): void {
  // Behind a PROXY balancer the header was read first: the real client, and the clock started then.
  const peer = clientOf(raw);
  const acceptedAt = acceptedAtOf(raw) ?? process.hrtime.bigint();
  const client = endpoint(peer.address, peer.port);
  tracker.add(raw, listener.name, client);
  const state: ConnectionState = {
    listener,
    log,
    resumption,
    tracker,
    routing,
    client,
    connId: nextConnId(),
    acceptedAt,
    hello: undefined,
    site: undefined,
    done: false,
  };
  let buffered: Buffer = NOTHING;
  const fail = (failure: Failure, answer?: Uint8Array | string) => {
    logFailure(state, failure, raw);
    if (answer !== undefined) raw.end(answer);
    else raw.destroy();
  };
  const timer = setTimeout(
    () =>
      fail({
        reason: 'handshake_timeout',
        detail: `no complete ClientHello within ${listener.handshakeTimeoutMs} ms (received ${buffered.length} bytes)`,
      }),
    Math.max(0, listener.handshakeTimeoutMs - elapsedMs(acceptedAt)),
  );
  raw.on('error', ignore); // reported through 'close' and the failure classification
  const onClose = () => {
    clearTimeout(timer);
    fail({
      reason: 'client_closed',
      detail: `client closed the connection before its ClientHello was complete (${buffered.length} bytes)`,
    });
  };
  raw.once('close', onClose);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const verdict = sniffClientHello(buffered, listener.maxClientHelloBytes);
    if (verdict.kind === 'need-more') return;
    raw.off('data', onData);
    raw.off('close', onClose);
    clearTimeout(timer);
    switch (verdict.kind) {
      case 'http':
        return fail(
          { reason: 'not_tls', detail: `plain HTTP (${verdict.method}) sent to a TLS port` },
          PLAIN_HTTP_ANSWER,
        );
      case 'not-tls':
        return fail({ reason: 'not_tls', detail: verdict.detail });
      case 'malformed':
        return fail({ reason: 'other', detail: `malformed ClientHello: ${verdict.detail}` });
    }
    state.hello = verdict.hello;
    // TLS-ALPN-01 (RFC 8737): the CA's validation handshake, whatever the SNI and strict_sni say.
    if (acmeTls !== undefined && offersAcmeTlsAlpn(verdict.hello.alpn)) {
      raw.pause();
      raw.unshift(buffered);
      acmeTls.emit('connection', raw);
      return;
    }
    const route = routeSni(routing.index, verdict.hello.serverName, listener.strictSni);
    if (route.site === undefined) {
      const name = verdict.hello.serverName;
      return fail(
        {
          reason: 'unknown_sni',
          detail:
            name === undefined
              ? 'client sent no SNI and strict_sni is on'
              : `no site for SNI "${name}" and strict_sni is on`,
        },
        encodeAlert('fatal', AlertDescription.unrecognized_name),
      );
    }
    state.site = route.site;
    // The server holding the key this hello's ticket was made under (else the current key's).
    const tlsServer = route.site.serverFor(verdict.hello);
    if (tlsServer === null) {
      if (route.site.tcp === null)
        return fail({ reason: 'other', detail: 'passthrough site without upstream' });
      raw.pause();
      passthrough(raw, buffered, state, route.site.tcp);
      return;
    }
    // A close that neither a secure connection nor an OpenSSL error accounted for: classify it
    // then, from the hello and the policy, so the success path does no extra work.
    const policy = route.site.plan.policy;
    raw.once('close', () => {
      if (state.done) return; // the handshake succeeded (or its failure was logged): nothing to add
      // After the TLS layer had its say: tlsClientError (e.g. a rejected client certificate) is
      // emitted on the TLSSocket's own close, which may come after this one. The hello is read from
      // the state, not kept by this closure: a handshake that succeeds lets it go.
      setImmediate(() => {
        if (state.done) return;
        const hello = state.hello;
        logFailure(
          state,
          (hello !== undefined ? mismatch(hello, policy, signingKeysOf(route.site.pairs)) : undefined) ?? {
            reason: 'client_closed',
            detail: 'connection closed during the TLS handshake',
          },
          raw,
        );
      });
    });
    if (route.site.recordsOwn) {
      // The inspect page shows this connection its own handshake: OpenSSL reads and writes
      // through a socket that keeps the first bytes each way.
      const recording = new CapturingSocket(raw, buffered);
      buffered = NOTHING;
      (recording as Tagged)[STATE] = state;
      tlsServer.emit('connection', recording);
      return;
    }
    raw.pause();
    raw.unshift(buffered);
    buffered = NOTHING; // the TLS layer has the bytes; the closures above must not keep them
    (raw as Tagged)[STATE] = state;
    // TLS-to-TCP: the client's close_notify + FIN must not end our side (half-close).
    if (route.site.tcp !== null) raw.allowHalfOpen = true;
    tlsServer.emit('connection', raw);
  };
  raw.on('data', onData);
}

type Tagged = (net.Socket | CapturingSocket) & { [STATE]?: ConnectionState };

interface TlsSocketInternals {
  _parent?: Tagged;
  _handle?: { _parentWrap?: { stream?: unknown } } | null;
}

// The TLSSocket keeps the socket it wraps as `_parent`; that is how an OpenSSL error finds its
// connection (tlsClientError often comes without an address). A JS stream (an inspect site's
// CapturingSocket) is wrapped in a JSStreamSocket instead, reachable from the handle; the first
// lookup is remembered, since the handle is gone by the time the socket closes.
const recordingOf = new WeakMap<tls.TLSSocket, CapturingSocket>();
const parentOf = (socket: tls.TLSSocket): Tagged | undefined => {
  const s = socket as unknown as TlsSocketInternals;
  if (s._parent) return s._parent;
  let recording = recordingOf.get(socket);
  if (recording === undefined) {
    const stream = s._handle?._parentWrap?.stream;
    if (!(stream instanceof CapturingSocket)) return undefined;
    recording = stream;
    recordingOf.set(socket, stream);
  }
  return recording;
};

/** The TCP socket under a tagged holder (itself, or the one a CapturingSocket wraps). */
const tcpOf = (holder: Tagged): net.Socket => (holder instanceof CapturingSocket ? holder.raw : holder);

/**
 * Wired once per site tls.Server: the two ends of the handshake that acceptConnection handed over,
 * success (onSecureConnection) or an OpenSSL error, found back to their connection's state.
 */
export function wireTlsServer(server: tls.Server, site: SiteRuntime): void {
  server.on('secureConnection', (tlsSocket: tls.TLSSocket) => {
    const holder = parentOf(tlsSocket);
    const state = holder?.[STATE];
    if (holder && state)
      onSecureConnection(
        tlsSocket,
        state,
        tcpOf(holder),
        holder instanceof CapturingSocket ? holder : undefined,
      );
    else tlsSocket.destroy();
  });
  // Only this connection's own secrets, kept with its recording for its own inspect page.
  if (site.recordsOwn)
    server.on('keylog', (line: Buffer, tlsSocket: tls.TLSSocket) => {
      const holder = parentOf(tlsSocket);
      if (holder instanceof CapturingSocket) holder.own.keyLog.push(line.toString('latin1').trimEnd());
    });
  server.on('tlsClientError', (error: Error & { code?: string }, tlsSocket: tls.TLSSocket) => {
    const holder = parentOf(tlsSocket);
    const raw = holder === undefined ? undefined : tcpOf(holder);
    const state = holder?.[STATE];
    // A client certificate that failed verification on a `required` site: Node closed the
    // connection after the handshake and left the verify code on the socket.
    const verifyError = site.plan.clientAuth ? tlsSocket.authorizationError : undefined;
    if (raw && state)
      logFailure(
        state,
        verifyError
          ? clientCertificateFailure(String(verifyError))
          : classifyHandshakeError(error, state.hello, site.plan.policy, signingKeysOf(site.pairs)),
        raw,
      );
    tlsSocket.destroy();
  });
}

/** The handshake completed: log line at close, then TCP forwarding or HTTP by ALPN. */
function onSecureConnection(
  tlsSocket: tls.TLSSocket,
  state: ConnectionState,
  raw: net.Socket,
  recording: CapturingSocket | undefined,
): void {
  const site = state.site;
  const hello = state.hello;
  if (!site || !hello) return;
  const auth = site.plan.clientAuth;
  // Read once: each call parses the certificate into a new object (the facts, the subject and the
  // client-certificate lines all read it).
  const peerCert = auth === undefined ? undefined : tlsSocket.getPeerX509Certificate();
  const facts = negotiatedFacts(tlsSocket, hello, site.plan.policy, site.keyTypes, peerCert);
  const handshakeMs = elapsedMs(state.acceptedAt);
  const resumption = resumptionFacts(facts.resumed, hello, state.resumption.ring);
  state.resumption.stats.record(resumption.resumed_by);
  if (recording !== undefined) recording.own.resumption = { ...resumption };
  countHandshake(state.listener, site, facts, resumption.resumed_by, handshakeMs);
  state.done = true;
  // Everything the connection's log line needs is in `facts` now: the parsed hello (a few KiB of
  // small objects) is not held for the life of the connection.
  state.hello = undefined;
  const offer = offerMembers(facts);
  state.tracker.describe(raw, {
    site: site.plan.id,
    sni: hello.serverName ?? null,
    version: facts.version,
    alpn: tlsSocket.alpnProtocol || null,
  });
  const closed = countConnection(
    state.listener,
    site.tcp !== null ? 'tcp' : tlsSocket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1',
  );
  raw.once('close', () => {
    closed(raw.bytesRead, raw.bytesWritten);
    state.log(handshakeLine(state, site, facts, resumption, handshakeMs, raw), offer);
  });
  if (site.tcp !== null) {
    forwardTcp(tlsSocket, raw, site.tcp, state);
    return;
  }
  const http = site.http;
  if (http === null) {
    tlsSocket.destroy();
    return;
  }
  const verified = auth !== undefined && tlsSocket.authorized;
  const conn = new TlsConnectionInfo(
    raw,
    state,
    handshakeMs,
    hello.serverName,
    tlsSocket.alpnProtocol ?? false,
    facts,
    // Only a verified certificate's subject: with client_auth optional an unverified one says anything.
    verified ? rfc4514Subject(peerCert?.subject ?? '') : undefined,
    auth === undefined
      ? undefined
      : clientCertLines(
          {
            authorized: tlsSocket.authorized,
            authorizationError: tlsSocket.authorizationError?.toString(),
            certificate: peerCert,
          },
          auth,
        ),
    recording?.own,
  );
  // Each request is served by the site of its Host / :authority, or answered 421.
  const sites = siteResolver(state.routing, site, http);
  const options = listenerHttpOptions(state.listener);
  state.tracker.setDrainable(
    raw,
    tlsSocket.alpnProtocol === 'h2'
      ? serveHttp2(tlsSocket, sites, conn, state.log, options)
      : serveHttp1(tlsSocket, sites, conn, state.log, options),
  );
}
