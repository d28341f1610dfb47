// Turns a failed handshake into a reason an operator can act on. OpenSSL's error codes say little
// and often come without an address; the sniffed ClientHello and our policy say who refused what.

import { groupByName, suiteById, suiteByName, versionId, versionName } from '../../tls/index.ts';
import type { TlsPolicy } from '../../tls/policy.ts';
import { type ClientHello, offeredVersions, ProtocolVersion } from '../../wire/index.ts';
import type { Failure } from './failure.ts';
import { type SigningKey, signatureMismatch } from './sigalg-choice.ts';

export type { Failure, FailureReason } from './failure.ts';

/**
 * What the hello and the policy alone predict: a failure nobody could have negotiated around. With
 * the site's signing keys, also a signature algorithm the keys cannot meet.
 */
export function mismatch(
  hello: ClientHello,
  policy: TlsPolicy,
  keys?: readonly SigningKey[],
): Failure | undefined {
  const min = versionId(policy.minVersion);
  const max = versionId(policy.maxVersion);
  const offered = offeredVersions(hello);
  const common = offered.filter((v) => v >= min && v <= max);
  if (common.length === 0) {
    const highest = Math.max(...offered, 0);
    const lowest = Math.min(...offered);
    const detail =
      highest < min
        ? `client offered up to ${versionName(highest)}; this listener requires at least ${policy.minVersion}`
        : `client offered at least ${versionName(lowest)}; this listener allows at most ${policy.maxVersion}`;
    return { reason: 'no_common_version', detail };
  }
  const version = Math.max(...common);
  const allowed = version === ProtocolVersion.tls13 ? policy.ciphers13 : policy.ciphers12;
  const allowedIds = new Set(allowed.map((name) => suiteByName(name)?.id));
  const shared = hello.cipherSuites.filter((id) => allowedIds.has(id));
  const vname = versionName(version);
  if (shared.length === 0) {
    const offeredNames = hello.cipherSuites
      .map((id) => suiteById(id))
      .filter(
        (s) =>
          s !== undefined &&
          !s.signalling &&
          (version === ProtocolVersion.tls13 ? s.versions === 'tls13' : s.versions !== 'tls13'),
      )
      .map((s) => s?.iana)
      .slice(0, 4);
    return {
      reason: 'no_common_cipher',
      detail: `no ${vname} cipher suite in common: client offered ${offeredNames.join(', ') || 'none usable'}; this site allows ${allowed.slice(0, 4).join(', ')}`,
    };
  }
  const serverGroups = policy.groups.map((g) => groupByName(g)).filter((g) => g !== undefined);
  const usable = serverGroups.filter((g) => version === ProtocolVersion.tls13 || !g.tls13Only);
  const needsGroup = version === ProtocolVersion.tls13 || shared.every((id) => suiteById(id)?.kx === 'ECDHE');
  if (
    needsGroup &&
    hello.supportedGroups.length > 0 &&
    !usable.some((g) => hello.supportedGroups.includes(g.id))
  ) {
    return {
      reason: 'no_common_group',
      detail: `no key-exchange group in common for ${vname}: this listener allows ${usable.map((g) => g.openssl).join(', ')}`,
    };
  }
  if (keys !== undefined)
    return signatureMismatch(hello, version === ProtocolVersion.tls13 ? 'TLS1.3' : 'TLS1.2', keys);
  return undefined;
}

/** Reads a Node/OpenSSL handshake error, with the hello (when one arrived) and the site's keys for context. */
export function classifyHandshakeError(
  error: { readonly code?: string | undefined; readonly message: string },
  hello: ClientHello | undefined,
  policy: TlsPolicy,
  keys?: readonly SigningKey[],
): Failure {
  const code = error.code ?? '';
  const message = error.message;
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT')
    return { reason: 'handshake_timeout', detail: 'the TLS handshake did not finish in time' };
  const alert = /(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)/.exec(code)?.[1]?.toLowerCase();
  if (alert && /certificate|unknown_ca|bad_certificate|decrypt_error|access_denied/.test(alert)) {
    return {
      reason: 'client_rejected_certificate',
      detail: `client refused our certificate: alert ${alert}`,
    };
  }
  if (
    code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' ||
    /did not return a certificate|certificate required/i.test(message)
  ) {
    return {
      reason: 'client_certificate_required',
      detail: 'this site requires a client certificate and none was sent',
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|disconnected before/i.test(message)) {
    return { reason: 'client_closed', detail: 'client closed the connection during the handshake' };
  }
  if (hello) {
    const predicted = mismatch(hello, policy, keys);
    if (predicted) return predicted;
  }
  if (/no suitable signature algorithm|no shared signature algorithms/i.test(message))
    return { reason: 'no_common_signature_algorithm', detail: message.split('\n')[0] ?? message };
  if (/unsupported protocol|no protocols available|version too low|wrong version/i.test(message)) {
    return { reason: 'no_common_version', detail: message };
  }
  if (/no shared cipher/i.test(message)) return { reason: 'no_common_cipher', detail: message };
  if (/no suitable key share|no shared group/i.test(message))
    return { reason: 'no_common_group', detail: message };
  if (alert) return { reason: 'other', detail: `client sent alert ${alert}` };
  return { reason: 'other', detail: message.split('\n')[0] ?? message };
}
