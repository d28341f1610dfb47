// Session resumption, with Node's client: connect, keep the session, connect again offering it,
// and ask whether the server resumed. TLS 1.2 is tried twice, once with tickets turned off on our
// side (so only the server's session-ID cache can resume it) and once with tickets; TLS 1.3 has
// only tickets (PSK), which arrive after the handshake in NewSessionTicket messages.
import type { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import type tls from 'node:tls';
import type { ProbeContext } from './context.ts';
import { type Finding, notTested, observed } from './finding.ts';
import { connectTls, nodeVersion, waitFor } from './node-client.ts';
import { TLS12 } from './offer.ts';
import type { ResumptionFinding } from './report.ts';
import { readSessionTicketInfo } from './session-der.ts';

/** How long to wait for TLS 1.3 tickets after the handshake. */
const TICKET_WAIT_MS = 1000;

interface Visit {
  readonly session: Buffer | undefined;
  readonly sessions: number;
  readonly resumed: boolean;
  readonly error: string | undefined;
}

async function visit(ctx: ProbeContext, options: tls.ConnectionOptions, tls13: boolean): Promise<Visit> {
  const sessions: Buffer[] = [];
  let gotSession: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    gotSession = resolve;
  });
  const r = await ctx.pool.run(() =>
    connectTls(ctx.endpoint, options, (s) =>
      s.on('session', (b: Buffer) => {
        sessions.push(b);
        gotSession();
      }),
    ),
  );
  if (!r.ok) return { session: undefined, sessions: 0, resumed: false, error: r.error };
  const resumed = r.socket.isSessionReused();
  if (tls13) {
    await waitFor(first, Math.min(TICKET_WAIT_MS, ctx.endpoint.timeoutMs));
    // OpenSSL servers send their tickets back to back; give the rest a moment to land.
    if (sessions.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const session = sessions[0] ?? r.socket.getSession();
  const count = sessions.length;
  await closeCleanly(r.socket);
  return { session, sessions: count, resumed, error: undefined };
}

/**
 * close_notify, then wait briefly for the server's: OpenSSL servers drop a session from their
 * cache when the connection is cut without it, and session-ID resumption would look unsupported.
 */
function closeCleanly(socket: tls.TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 200);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => {});
    socket.resume();
    socket.end();
  });
}

async function resumeTwice(
  ctx: ProbeContext,
  options: tls.ConnectionOptions,
  tls13: boolean,
): Promise<{ first: Visit; second: Visit | undefined }> {
  const first = await visit(ctx, options, tls13);
  if (!first.session) return { first, second: undefined };
  const second = await visit(ctx, { ...options, session: first.session }, false);
  return { first, second };
}

const sniOption = (ctx: ProbeContext): tls.ConnectionOptions =>
  ctx.sni !== undefined ? { servername: ctx.sni } : {};

const failed = (error: string): string => `Node's TLS client could not complete a handshake: ${error}`;

/** `version`: the highest accepted version below TLS 1.3 (TLS 1.0–1.2). */
export async function probeResumption12(
  ctx: ProbeContext,
  version: number = TLS12,
): Promise<ResumptionFinding> {
  const node = nodeVersion(version) ?? 'TLSv1.2';
  const base: tls.ConnectionOptions = { ...sniOption(ctx), minVersion: node, maxVersion: node };
  const [byId, byTicket] = await Promise.all([
    resumeTwice(ctx, { ...base, secureOptions: crypto.constants.SSL_OP_NO_TICKET }, false),
    resumeTwice(ctx, base, false),
  ]);
  const info = byTicket.first.session
    ? readSessionTicketInfo(new Uint8Array(byTicket.first.session))
    : undefined;
  const ticketIssued = info?.hasTicket ?? false;
  return {
    session_id: resumedFinding(byId),
    ticket: byTicket.first.error === undefined && !ticketIssued ? observed(false) : resumedFinding(byTicket),
    ticket_lifetime_hint: ticketIssued ? (info?.lifetimeHint ?? null) : null,
    tickets_issued: null,
    detail: byTicket.first.error === undefined && !ticketIssued ? 'no session ticket issued' : null,
  };
}

/** yes/no from the second visit; not tested when either handshake could not be made. */
function resumedFinding(r: { first: Visit; second: Visit | undefined }): Finding {
  if (r.first.error !== undefined) return notTested(failed(r.first.error));
  if (r.second === undefined) return observed(false); // no session to offer: nothing resumable
  if (r.second.error !== undefined) return notTested(failed(r.second.error));
  return observed(r.second.resumed);
}

export async function probeResumption13(ctx: ProbeContext): Promise<ResumptionFinding> {
  const { first, second } = await resumeTwice(ctx, { ...sniOption(ctx), minVersion: 'TLSv1.3' }, true);
  const info =
    first.sessions > 0 && first.session ? readSessionTicketInfo(new Uint8Array(first.session)) : undefined;
  return {
    session_id: notTested('TLS 1.3 has no session-ID resumption'),
    ticket:
      first.error === undefined && first.sessions === 0 ? observed(false) : resumedFinding({ first, second }),
    ticket_lifetime_hint: info?.lifetimeHint ?? null,
    tickets_issued: first.error === undefined ? first.sessions : null,
    detail:
      first.error === undefined && first.sessions === 0
        ? `no NewSessionTicket within ${TICKET_WAIT_MS} ms`
        : null,
  };
}
