// The TLS 1.3 key schedule (RFC 8446 §7) and nothing else: HKDF-Extract/Expand (RFC 5869) over
// HMAC, HKDF-Expand-Label, Derive-Secret, the early → handshake → master chain, traffic keys and
// IVs, Finished keys, and the KeyUpdate step. Pure functions over bytes; hashes by Node name.
import { createHash, createHmac } from 'node:crypto';

export type HashName = 'sha256' | 'sha384';

export function hashLength(hash: HashName): number {
  return hash === 'sha384' ? 48 : 32;
}

export function digest(hash: HashName, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function hmac(hash: HashName | 'sha1', key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** HKDF-Extract(salt, IKM); an empty salt means HashLen zero bytes (RFC 5869 §2.2). */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt.length === 0 ? new Uint8Array(hashLength(hash)) : salt, ikm);
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3). */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let at = 0, counter = 1; at < length; counter++) {
    previous = hmac(hash, prk, previous, info, Uint8Array.of(counter));
    out.set(previous.subarray(0, Math.min(previous.length, length - at)), at);
    at += previous.length;
  }
  return out;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The HkdfLabel structure: length, "tls13 " + label, context (RFC 8446 §7.1). */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const full = ascii(`tls13 ${label}`);
  const out = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out[2] = full.length;
  out.set(full, 3);
  out[3 + full.length] = context.length;
  out.set(context, 4 + full.length);
  return out;
}

export function hkdfExpandLabel(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(hash, secret, hkdfLabel(label, context, length), length);
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages) already computed. */
export function deriveSecret(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

/** Transcript-Hash over whole handshake messages (each with its 4-byte header). */
export function transcriptHash(hash: HashName, messages: readonly Uint8Array[]): Uint8Array {
  return digest(hash, ...messages);
}

export function earlySecret(hash: HashName, psk?: Uint8Array): Uint8Array {
  return hkdfExtract(hash, new Uint8Array(0), psk ?? new Uint8Array(hashLength(hash)));
}

/** Derive-Secret(., "derived", "") then Extract with the (EC)DHE shared secret. */
export function handshakeSecret(hash: HashName, early: Uint8Array, sharedSecret: Uint8Array): Uint8Array {
  return hkdfExtract(hash, deriveSecret(hash, early, 'derived', digest(hash)), sharedSecret);
}

export function masterSecret(hash: HashName, handshake: Uint8Array): Uint8Array {
  return hkdfExtract(
    hash,
    deriveSecret(hash, handshake, 'derived', digest(hash)),
    new Uint8Array(hashLength(hash)),
  );
}

export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** [sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(
  hash: HashName,
  secret: Uint8Array,
  keyLength: number,
  ivLength = 12,
): TrafficKeys {
  return {
    key: hkdfExpandLabel(hash, secret, 'key', new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(hash, secret, 'iv', new Uint8Array(0), ivLength),
  };
}

/** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4). */
export function finishedKey(hash: HashName, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
}

/** verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)). */
export function finishedVerifyData(hash: HashName, baseKey: Uint8Array, transcript: Uint8Array): Uint8Array {
  return hmac(hash, finishedKey(hash, baseKey), transcript);
}

/** application_traffic_secret_N+1 (RFC 8446 §7.2, after a KeyUpdate). */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

/** The PSK a NewSessionTicket's nonce yields from the resumption master secret (RFC 8446 §4.6.1). */
export function resumptionPsk(
  hash: HashName,
  resumptionMaster: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, resumptionMaster, 'resumption', ticketNonce, hashLength(hash));
}

/** Every secret of a full handshake, from its inputs (what RFC 8448 traces value by value). */
export interface KeyScheduleSecrets {
  readonly early_secret: Uint8Array;
  readonly handshake_secret: Uint8Array;
  readonly master_secret: Uint8Array;
  readonly client_handshake_traffic_secret: Uint8Array;
  readonly server_handshake_traffic_secret: Uint8Array;
  readonly client_application_traffic_secret_0: Uint8Array;
  readonly server_application_traffic_secret_0: Uint8Array;
  readonly exporter_master_secret: Uint8Array;
  readonly resumption_master_secret?: Uint8Array;
}

export interface KeyScheduleInput {
  readonly hash: HashName;
  /** Absent: no PSK (a zero string of Hash.length, RFC 8446 §7.1). */
  readonly psk?: Uint8Array;
  /** The (EC)DHE shared secret; absent in psk_ke mode (zeros). */
  readonly sharedSecret?: Uint8Array;
  /** Transcript-Hash(ClientHello..ServerHello). */
  readonly helloHash: Uint8Array;
  /** Transcript-Hash(ClientHello..server Finished). */
  readonly serverFinishedHash: Uint8Array;
  /** Transcript-Hash(ClientHello..client Finished), for the resumption master secret. */
  readonly clientFinishedHash?: Uint8Array;
}

export function keySchedule(input: KeyScheduleInput): KeyScheduleSecrets {
  const { hash } = input;
  const early = earlySecret(hash, input.psk);
  const handshake = handshakeSecret(hash, early, input.sharedSecret ?? new Uint8Array(hashLength(hash)));
  const master = masterSecret(hash, handshake);
  return {
    early_secret: early,
    handshake_secret: handshake,
    master_secret: master,
    client_handshake_traffic_secret: deriveSecret(hash, handshake, 'c hs traffic', input.helloHash),
    server_handshake_traffic_secret: deriveSecret(hash, handshake, 's hs traffic', input.helloHash),
    client_application_traffic_secret_0: deriveSecret(hash, master, 'c ap traffic', input.serverFinishedHash),
    server_application_traffic_secret_0: deriveSecret(hash, master, 's ap traffic', input.serverFinishedHash),
    exporter_master_secret: deriveSecret(hash, master, 'exp master', input.serverFinishedHash),
    ...(input.clientFinishedHash !== undefined
      ? { resumption_master_secret: deriveSecret(hash, master, 'res master', input.clientFinishedHash) }
      : {}),
  };
}
