// When no offer gets a handshake: who refused what, in the terms of seed 004's failure table
// (version mismatch, no shared suite, SNI unknown, alert received), from the answers to the
// per-version probes (and, when an SNI was sent, the same probes without it). Pure.
import { describeOutcome } from './context.ts';
import type { Outcome } from './exchange.ts';
import type { Attempt, FailureReport } from './report.ts';
import type { VersionProbe } from './versions.ts';

const alertOf = (o: Outcome): string | undefined => (o.kind === 'alert' ? o.alert.name : undefined);

function attempts(probes: readonly VersionProbe[], sni: string | undefined): Attempt[] {
  return probes.map((p) => ({
    offer: `${p.name} ${sni !== undefined ? `with SNI ${sni}` : 'without SNI'} (${p.suitesOffered} suites, every group and signature algorithm)`,
    outcome: describeOutcome(p.outcome),
  }));
}

const list = (names: readonly string[]): string =>
  names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * `withSni`: the probes as first made; `withoutSni`: the same without SNI (only when an SNI was
 * sent and every probe failed).
 */
export function explainFailure(
  withSni: readonly VersionProbe[],
  sni: string | undefined,
  withoutSni?: readonly VersionProbe[],
): FailureReport {
  const tried = [...attempts(withSni, sni), ...(withoutSni ? attempts(withoutSni, undefined) : [])];
  const outcomes = withSni.map((p) => p.outcome);
  const report = (reason: FailureReport['reason'], detail: string): FailureReport => ({
    reason,
    detail,
    attempts: tried,
  });

  const plain = outcomes.find((o) => o.kind === 'not-tls');
  if (plain && plain.kind === 'not-tls')
    return report('not_tls', `this port does not speak TLS: ${plain.detail}`);

  const alerts = outcomes.map(alertOf);
  const unrecognized = alerts.includes('unrecognized_name');
  const withoutOk = withoutSni?.some((p) => p.accepted) ?? false;
  if (sni !== undefined && (unrecognized || withoutOk)) {
    const how = unrecognized ? 'alert unrecognized_name' : `${alerts.find((a) => a) ?? 'no handshake'}`;
    const after = withoutOk
      ? 'but completes a handshake without SNI: it has no site or certificate for that name'
      : 'and fails without SNI too';
    return report('unknown_sni', `the server refuses the name "${sni}" (${how}) ${after}`);
  }

  const refusedVersion = withSni.filter((p) => alertOf(p.outcome) === 'protocol_version').map((p) => p.name);
  const refusedSuites = withSni
    .filter((p) => ['handshake_failure', 'insufficient_security'].includes(alertOf(p.outcome) ?? ''))
    .map((p) => p.name);
  if (refusedVersion.length === withSni.length)
    return report(
      'no_common_version',
      `the server refused every version from SSL 3.0 to TLS 1.3 (alert protocol_version): it may speak only SSL 2.0, DTLS or a version this prober does not know`,
    );
  if (refusedSuites.length > 0) {
    const others = refusedVersion.length
      ? `; it refused ${list(refusedVersion)} outright (protocol_version)`
      : '';
    return report(
      'no_common_cipher',
      `no shared cipher suite, group or signature algorithm for ${list(refusedSuites)}: the server answered handshake_failure to every suite this prober knows${others}. It may require suites outside the IANA registry (GOST, SM4), a PSK, or a client certificate before it answers`,
    );
  }
  if (
    refusedVersion.length > 0 &&
    refusedVersion.length + alerts.filter((a) => a === undefined).length === withSni.length
  ) {
    return report(
      'no_common_version',
      `the server refused ${list(refusedVersion)} (protocol_version) and gave no answer to the rest`,
    );
  }
  const firstAlert = alerts.find((a) => a !== undefined);
  if (firstAlert !== undefined)
    return report(
      'alert',
      `the server answered alert ${firstAlert} (${list([...new Set(alerts.filter((a) => a !== undefined))] as string[])}) to every offer`,
    );
  if (outcomes.every((o) => o.kind === 'timeout'))
    return report('timeout', 'the server accepted the TCP connection but never answered a ClientHello');
  return report(
    'closed',
    'the server closed every connection without a TLS answer: it may filter clients, want a different SNI, or not speak TLS',
  );
}
