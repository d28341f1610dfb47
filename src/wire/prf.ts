// The TLS 1.2 PRF (RFC 5246 §5: P_hash over HMAC), the master secret from the pre-master secret
// (§8.1, or RFC 7627's extended master secret over the session hash), the key block and its split
// into MAC keys, write keys and IVs (§6.3), and Finished's verify_data (§7.4.9).
import { concatBytes } from './bytes.ts';
import { hmac } from './key-schedule.ts';

export type PrfHash = 'sha256' | 'sha384';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** P_hash(secret, seed) cut to `length` bytes: A(i) = HMAC(secret, A(i-1)), out += HMAC(secret, A(i) + seed). */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  for (let at = 0; at < length; ) {
    a = hmac(hash, secret, a);
    const block = hmac(hash, secret, a, seed);
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function prf(
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(hash, secret, concatBytes([ascii(label), seed]), length);
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function masterSecretFromRandoms(
  hash: PrfHash,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(hash, preMaster, 'master secret', concatBytes([clientRandom, serverRandom]), 48);
}

/** RFC 7627 §4: PRF(pre_master_secret, "extended master secret", session_hash)[0..47]. */
export function extendedMasterSecret(
  hash: PrfHash,
  preMaster: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf(hash, preMaster, 'extended master secret', sessionHash, 48);
}

export interface KeyBlockSizes {
  /** HMAC key length; 0 for AEAD suites. */
  readonly macLength: number;
  readonly keyLength: number;
  /** Implicit IV bytes from the key block: 4 for GCM (the salt), 12 for ChaCha20, 16 for CBC in TLS 1.0 only, else 0. */
  readonly ivLength: number;
}

export interface KeyBlock {
  readonly client_write_mac_key: Uint8Array;
  readonly server_write_mac_key: Uint8Array;
  readonly client_write_key: Uint8Array;
  readonly server_write_key: Uint8Array;
  readonly client_write_iv: Uint8Array;
  readonly server_write_iv: Uint8Array;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split in RFC
 * 5246 §6.3's order: client MAC, server MAC, client key, server key, client IV, server IV.
 */
export function keyBlock(
  hash: PrfHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sizes: KeyBlockSizes,
): KeyBlock {
  const { macLength: m, keyLength: k, ivLength: v } = sizes;
  const block = prf(
    hash,
    master,
    'key expansion',
    concatBytes([serverRandom, clientRandom]),
    2 * (m + k + v),
  );
  let at = 0;
  const take = (n: number): Uint8Array => {
    at += n;
    return block.slice(at - n, at);
  };
  return {
    client_write_mac_key: take(m),
    server_write_mac_key: take(m),
    client_write_key: take(k),
    server_write_key: take(k),
    client_write_iv: take(v),
    server_write_iv: take(v),
  };
}

/** verify_data = PRF(master_secret, "client finished" | "server finished", Hash(handshake_messages))[0..11]. */
export function finishedVerifyData12(
  hash: PrfHash,
  master: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(hash, master, `${sender} finished`, handshakeHash, 12);
}
