// TLS 1.3 keys: the traffic secrets of the key log (early, handshake, application), the write
// keys and IVs derived from them, and which keys each direction uses now and next. 0-RTT keys are
// made at the ClientHello, for every TLS 1.3 suite offered, since only the first early record
// (or the ServerHello) tells which one the client used.

import { toHex } from '../wire/bytes.ts';
import type { ClientHello } from '../wire/client-hello.ts';
import { finishedKey, hashLength, trafficKeys } from '../wire/key-schedule.ts';
import { KeyLogLabel, secretsFor } from '../wire/keylog.ts';
import { noKeyLogReason } from './session-keys12.ts';
import type { Cipher, SessionState } from './session-state.ts';
import { type SuiteCrypto, suiteCrypto } from './suite-crypto.ts';

export function trafficCipher(
  crypto: SuiteCrypto,
  secret: Uint8Array,
  epoch: string,
  generation = 0,
): Cipher {
  const { key, iv } = trafficKeys(crypto.hash, secret, crypto.spec.keyLength, 12);
  return { spec: crypto.spec, key, iv, macKey: new Uint8Array(0), epoch, tls13: true, secret, generation };
}

export function setup13(s: SessionState, crypto: SuiteCrypto, ch: ClientHello): void {
  const logged = secretsFor(s.keyLog, ch.random);
  const get = (label: string): Uint8Array | undefined => logged.get(label);
  const chts = get(KeyLogLabel.clientHandshakeTrafficSecret);
  const shts = get(KeyLogLabel.serverHandshakeTrafficSecret);
  const cts = get(KeyLogLabel.clientTrafficSecret0);
  const sts = get(KeyLogLabel.serverTrafficSecret0);
  const cets = get(KeyLogLabel.clientEarlyTrafficSecret);
  const pairs: [string, Uint8Array | undefined][] = [
    ['client_early_traffic_secret', cets],
    ['client_handshake_traffic_secret', chts],
    ['server_handshake_traffic_secret', shts],
    ['client_application_traffic_secret_0', cts],
    ['server_application_traffic_secret_0', sts],
    ['exporter_master_secret', get(KeyLogLabel.exporterSecret)],
    ['early_exporter_master_secret', get(KeyLogLabel.earlyExporterSecret)],
  ];
  for (const [name, value] of pairs) if (value !== undefined) s.secrets[name] = toHex(value);
  const labels = [...logged.keys()];
  const cr = toHex(ch.random);
  if (labels.length === 0) {
    s.keyProblem = noKeyLogReason(s, ch, crypto);
    s.source = 'no key log line for this session';
  } else {
    s.source = `key log: ${labels.join(', ')} for client random ${cr}`;
  }
  const hash = crypto.hash;
  const n = crypto.spec.keyLength;
  s.steps.push(
    `${crypto.suite.iana}: AEAD ${crypto.spec.kind === 'aead' ? crypto.spec.algorithm : '?'}, HKDF-${hash.toUpperCase()}, key ${n} bytes, IV 12 bytes`,
    'early_secret → handshake_secret → master_secret need the (EC)DHE shared secret, which never leaves the two peers and is in no key log: not shown',
    `[sender]_write_key = HKDF-Expand-Label(traffic_secret, "key", "", ${n}); [sender]_write_iv = HKDF-Expand-Label(traffic_secret, "iv", "", 12)`,
    `finished_key = HKDF-Expand-Label(handshake_traffic_secret, "finished", "", ${hashLength(hash)}); verify_data = HMAC(finished_key, Transcript-Hash)`,
    'nonce = write_iv XOR sequence number (RFC 8446 §5.3); AAD = the 5-byte record header',
  );
  s.unavailable.push('early_secret', 'handshake_secret', 'master_secret', 'resumption_master_secret');
  const keys = (prefix: string, secret: Uint8Array | undefined, epoch: string): Cipher | undefined => {
    if (secret === undefined) return undefined;
    const c = trafficCipher(crypto, secret, epoch);
    s.keys[`${prefix}_key`] = toHex(c.key);
    s.keys[`${prefix}_iv`] = toHex(c.iv);
    return c;
  };
  const missing = (label: string): string =>
    `the key log has no ${label} line for client random ${cr.slice(0, 16)}…`;
  const early = ch.extensions.some((e) => e.type === 42)
    ? keys('client_early_write', cets, 'early')
    : undefined;
  const clientHs = keys('client_handshake_write', chts, 'handshake');
  const serverHs = keys('server_handshake_write', shts, 'handshake');
  const clientAp = keys('client_write', cts, 'application');
  const serverAp = keys('server_write', sts, 'application');
  if (chts !== undefined) {
    s.handshake13.client = chts;
    s.keys['client_finished_key'] = toHex(finishedKey(hash, chts));
  }
  if (shts !== undefined) {
    s.handshake13.server = shts;
    s.keys['server_finished_key'] = toHex(finishedKey(hash, shts));
  }
  const server = s.sides.server;
  server.cipher = serverHs;
  server.noKey = serverHs ? undefined : (s.keyProblem ?? missing(KeyLogLabel.serverHandshakeTrafficSecret));
  server.next = serverAp;
  server.nextNoKey = serverAp ? undefined : (s.keyProblem ?? missing(KeyLogLabel.serverTrafficSecret0));
  const client = s.sides.client;
  if (client.early) {
    // Already in 0-RTT since the ClientHello: keep its keys and count; handshake keys come after EndOfEarlyData.
    client.cipher ??= early;
    client.earlyCandidates = [];
    client.next = clientHs;
  } else if (early !== undefined) {
    client.cipher = early;
    client.next = clientHs;
  } else {
    client.cipher = clientHs;
    client.next = clientAp;
  }
  client.noKey = client.cipher
    ? undefined
    : client.early
      ? (client.noKey ?? missing(KeyLogLabel.clientEarlyTrafficSecret))
      : (s.keyProblem ?? missing(KeyLogLabel.clientHandshakeTrafficSecret));
  client.nextNoKey = client.next ? undefined : (s.keyProblem ?? missing(KeyLogLabel.clientTrafficSecret0));
  s.pendingClientApplication = clientAp;
  s.pendingClientApplicationNoKey = clientAp
    ? undefined
    : (s.keyProblem ?? missing(KeyLogLabel.clientTrafficSecret0));
}

/**
 * The client offered 0-RTT: from here on its records are protected (RFC 8446 §2.3), with keys from
 * CLIENT_EARLY_TRAFFIC_SECRET under the suite of the PSK, which the ServerHello has not named yet.
 */
export function startEarlyData(s: SessionState, ch: ClientHello): void {
  const client = s.sides.client;
  client.encrypting = true;
  client.early = true;
  client.seq = 0;
  const cets = secretsFor(s.keyLog, ch.random).get(KeyLogLabel.clientEarlyTrafficSecret);
  if (cets === undefined) {
    client.noKey = `0-RTT early data: the key log has no ${KeyLogLabel.clientEarlyTrafficSecret} line for client random ${toHex(ch.random).slice(0, 16)}…`;
    return;
  }
  s.secrets['client_early_traffic_secret'] = toHex(cets);
  const candidates: Cipher[] = [];
  for (const id of ch.cipherSuites) {
    const recipe = suiteCrypto(id);
    if (recipe.ok && recipe.value.tls13) candidates.push(trafficCipher(recipe.value, cets, 'early'));
  }
  client.earlyCandidates = candidates;
  client.noKey =
    candidates.length === 0
      ? '0-RTT early data: no TLS 1.3 cipher suite tlsterm can run was offered'
      : undefined;
}
