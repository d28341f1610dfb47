// The session's facts and verdict, from the tallies the record loop kept (not from the records,
// which are long gone when a capture streams). "decrypted" means every byte of both directions
// was read and every protected record opened: bytes never captured, records whose protection is
// unknown or that failed their tag each say no, naming what happened rather than guessing tampering.
import { knownVersionName } from '../wire/versions.ts';
import type { SessionState, Side } from './session-state.ts';
import type { TraceSession } from './types.ts';

export type TraceSessionSummary = Omit<TraceSession, 'records'>;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function unreadText(side: Side): string | undefined {
  if (side.unread === 0) return undefined;
  if (side.lost > 0)
    return `${side.lost} bytes of the ${side.dir} stream were never captured (lost segments or the snaplen); ${side.unread} bytes of it unread`;
  if (side.broken !== undefined) return `the ${side.dir} stream stopped being TLS: ${side.broken}`;
  return `the ${side.dir} stream ends inside a record: ${side.unread} bytes unread`;
}

function whyNot(s: SessionState): string | null {
  const ch = s.clientHello;
  const sh = s.serverHello;
  const t = s.tally;
  const alert = t.firstAlert;
  const alertText = alert?.alert ? ` (alert ${alert.alert.description} from ${alert.dir})` : '';
  if (ch === undefined)
    return s.sides.client.lost > 0
      ? `no ClientHello: it was not captured; ${unreadText(s.sides.client)}`
      : 'no ClientHello: this is not the start of a TLS connection';
  if (sh === undefined)
    return s.sides.server.lost > 0
      ? `no ServerHello: it was not captured; ${unreadText(s.sides.server)}`
      : `no ServerHello: the handshake ended before the server chose its parameters${alertText}`;
  const problems: string[] = [];
  for (const side of Object.values(s.sides)) {
    const text = unreadText(side);
    if (text !== undefined) problems.push(text);
  }
  if (t.unknown > 0) problems.push(`${plural(t.unknown, 'record')} of unknown protection`);
  if (t.encrypted === 0 && problems.length === 0)
    return `no encrypted records: the handshake ended before any keys were in use${alertText}`;
  if (t.opened < t.encrypted) {
    const first = t.firstFailed;
    if (first !== undefined)
      problems.push(
        `${t.failedTags} of ${t.encrypted} encrypted records failed authentication (first: ${first.dir} record seq ${first.seq}: ${first.error})`,
      );
    const noKey = t.firstNoKey?.error;
    if (noKey !== undefined) problems.push(noKey);
    else if (first === undefined && t.unknown === 0) problems.push(s.keyProblem ?? 'no keys');
  }
  if (problems.length > 0) return problems.join('; ');
  if (s.keyProblem !== undefined && t.opened === 0) return s.keyProblem;
  return null;
}

export function sessionSummary(s: SessionState): TraceSessionSummary {
  const sh = s.serverHello;
  const crypto = s.crypto;
  const why = whyNot(s);
  const kx = s.tls13
    ? sh?.pskSelectedIdentity !== undefined
      ? s.group !== null
        ? `PSK + ECDHE (${s.group})`
        : 'PSK'
      : `ECDHE (${s.group ?? '?'})`
    : crypto !== undefined
      ? crypto.suite.kx
      : null;
  return {
    client: s.input.client ?? 'client',
    server: s.input.server ?? 'server',
    sni: s.clientHello?.serverName ?? null,
    version: sh ? (knownVersionName(sh.selectedVersion) ?? `0x${sh.selectedVersion.toString(16)}`) : null,
    suite: sh ? (crypto?.suite.iana ?? `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`) : null,
    group: s.group,
    key_exchange: sh ? kx : null,
    alpn: s.alpn,
    resumed: s.resumed,
    secrets: s.secrets,
    keys: s.keys,
    key_schedule: { source: s.source, steps: s.steps, unavailable: s.unavailable },
    decrypted: why === null && s.tally.opened > 0,
    why_not: why,
    warnings: s.warnings,
  };
}
