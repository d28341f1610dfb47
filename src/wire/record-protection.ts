// Record protection for reading: AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305) in TLS 1.3 (RFC 8446
// §5.2-5.4) and TLS 1.2 (RFC 5288 / 6655 / 7905 nonces), and TLS 1.2 CBC with HMAC, both
// MAC-then-encrypt (RFC 5246 §6.2.3.2) and encrypt-then-MAC (RFC 7366). A record that fails its
// tag, MAC or padding check comes back as a failed ParseResult, never as plaintext. The seal
// functions exist so tests (and fixtures) can build records the same way a peer does.

import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes, equalBytes } from './bytes.ts';
import { hmac } from './key-schedule.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';

export type AeadAlgorithm =
  | 'aes-128-gcm'
  | 'aes-256-gcm'
  | 'chacha20-poly1305'
  | 'aes-128-ccm'
  | 'aes-256-ccm';

export interface AeadSpec {
  readonly kind: 'aead';
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  /** 16, or 8 for the CCM_8 suites. */
  readonly tagLength: number;
}

export interface CbcSpec {
  readonly kind: 'cbc';
  /** A Node cipher name: 'aes-128-cbc', 'aes-256-cbc', 'camellia-128-cbc', 'des-ede3-cbc', … */
  readonly algorithm: string;
  readonly keyLength: number;
  readonly blockSize: number;
  readonly mac: 'sha1' | 'sha256' | 'sha384';
  readonly macLength: number;
}

export type CipherSpec = AeadSpec | CbcSpec;

export interface OpenedRecord {
  /** TLS 1.3: TLSInnerPlaintext.content; TLS 1.2: the fragment's plaintext. */
  readonly content: Uint8Array;
  /** TLS 1.3: the inner content type; TLS 1.2: the record's own type. */
  readonly contentType: number;
  /** The AEAD nonce, or the explicit CBC IV. */
  readonly nonce: Uint8Array;
  /** The AEAD tag, or the HMAC. */
  readonly tag: Uint8Array;
  /** TLS 1.3 zero padding, or CBC padding bytes (without the length byte). */
  readonly padding: number;
}

/** The 64-bit sequence number, big-endian. */
export function sequenceBytes(seq: number): Uint8Array {
  const out = new Uint8Array(8);
  let v = seq;
  for (let i = 7; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** RFC 8446 §5.3 (and RFC 7905 for TLS 1.2 ChaCha20): the IV XORed with the left-padded sequence number. */
export function xorNonce(iv: Uint8Array, seq: number): Uint8Array {
  const nonce = Uint8Array.from(iv); // a copy even when iv is a Buffer (whose slice() is a view)
  const s = sequenceBytes(seq);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i]! ^= s[i]!;
  return nonce;
}

function header(type: number, version: number, length: number): Uint8Array {
  return Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff);
}

function aeadOpen(
  spec: AeadSpec,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array | undefined {
  try {
    const options = { authTagLength: spec.tagLength };
    let parts: Buffer[];
    if (spec.algorithm === 'aes-128-ccm' || spec.algorithm === 'aes-256-ccm') {
      const d = createDecipheriv(spec.algorithm, key, nonce, options);
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      parts = [d.update(ciphertext), d.final()];
    } else if (spec.algorithm === 'chacha20-poly1305') {
      const d = createDecipheriv(spec.algorithm, key, nonce, options);
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      parts = [d.update(ciphertext), d.final()];
    } else {
      const d = createDecipheriv(spec.algorithm, key, nonce, options);
      d.setAuthTag(tag);
      d.setAAD(aad);
      parts = [d.update(ciphertext), d.final()];
    }
    return new Uint8Array(Buffer.concat(parts));
  } catch {
    return undefined; // a failed tag is OpenSSL's "unable to authenticate data"
  }
}

function aeadSeal(
  spec: AeadSpec,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const options = { authTagLength: spec.tagLength };
  let parts: Buffer[];
  let tag: Buffer;
  if (spec.algorithm === 'aes-128-ccm' || spec.algorithm === 'aes-256-ccm') {
    const c = createCipheriv(spec.algorithm, key, nonce, options);
    c.setAAD(aad, { plaintextLength: plain.length });
    parts = [c.update(plain), c.final()];
    tag = c.getAuthTag();
  } else if (spec.algorithm === 'chacha20-poly1305') {
    const c = createCipheriv(spec.algorithm, key, nonce, options);
    c.setAAD(aad, { plaintextLength: plain.length });
    parts = [c.update(plain), c.final()];
    tag = c.getAuthTag();
  } else {
    const c = createCipheriv(spec.algorithm, key, nonce, options);
    c.setAAD(aad);
    parts = [c.update(plain), c.final()];
    tag = c.getAuthTag();
  }
  return { ciphertext: new Uint8Array(Buffer.concat(parts)), tag: new Uint8Array(tag) };
}

/**
 * Opens a TLS 1.3 protected record. `recordHeader` is the 5 bytes as received (they are the AAD);
 * `fragment` is encrypted_record (ciphertext + tag).
 */
export function open13(
  spec: AeadSpec,
  key: Uint8Array,
  iv: Uint8Array,
  seq: number,
  recordHeader: Uint8Array,
  fragment: Uint8Array,
): ParseResult<OpenedRecord> {
  if (fragment.length < spec.tagLength + 1)
    return fail(`record of ${fragment.length} bytes is shorter than its tag`);
  const nonce = xorNonce(iv, seq);
  const split = fragment.length - spec.tagLength;
  const tag = fragment.slice(split);
  const inner = aeadOpen(spec, key, nonce, recordHeader, fragment.subarray(0, split), tag);
  if (inner === undefined)
    return fail('authentication tag mismatch: the record was altered or the key is wrong');
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  if (end === 0) return fail('TLSInnerPlaintext has no content type (all zeros)');
  return ok({
    content: inner.subarray(0, end - 1),
    contentType: inner[end - 1]!,
    nonce,
    tag,
    padding: inner.length - end,
  });
}

/** Builds a TLS 1.3 protected record (header included), as a peer would send it. */
export function seal13(
  spec: AeadSpec,
  key: Uint8Array,
  iv: Uint8Array,
  seq: number,
  innerType: number,
  content: Uint8Array,
  padding = 0,
): Uint8Array {
  const inner = new Uint8Array(content.length + 1 + padding);
  inner.set(content);
  inner[content.length] = innerType;
  const head = header(23, 0x0303, inner.length + spec.tagLength);
  const { ciphertext, tag } = aeadSeal(spec, key, xorNonce(iv, seq), head, inner);
  return concatBytes([head, ciphertext, tag]);
}

/** The nonce of a TLS 1.2 AEAD record: salt + explicit part (GCM, CCM), or IV XOR seq (ChaCha20). */
function nonce12(spec: AeadSpec, iv: Uint8Array, seq: number, fragment: Uint8Array): Uint8Array | undefined {
  if (spec.algorithm === 'chacha20-poly1305') return xorNonce(iv, seq);
  if (fragment.length < 8) return undefined;
  return concatBytes([iv.subarray(0, 4), fragment.subarray(0, 8)]);
}

/** Bytes of explicit nonce at the start of a TLS 1.2 AEAD fragment. */
export function explicitNonceLength12(spec: AeadSpec): number {
  return spec.algorithm === 'chacha20-poly1305' ? 0 : 8;
}

/**
 * Opens a TLS 1.2 AEAD record. `iv` is the implicit part from the key block (4-byte salt for
 * GCM/CCM, 12 bytes for ChaCha20). AAD = seq_num + type + version + plaintext length.
 */
export function open12Aead(
  spec: AeadSpec,
  key: Uint8Array,
  iv: Uint8Array,
  seq: number,
  type: number,
  version: number,
  fragment: Uint8Array,
): ParseResult<OpenedRecord> {
  const explicit = explicitNonceLength12(spec);
  const plainLength = fragment.length - explicit - spec.tagLength;
  if (plainLength < 0) return fail(`record of ${fragment.length} bytes is shorter than its nonce and tag`);
  const nonce = nonce12(spec, iv, seq, fragment);
  if (nonce === undefined) return fail('record too short for its explicit nonce');
  const aad = concatBytes([sequenceBytes(seq), header(type, version, plainLength)]);
  const tag = fragment.slice(fragment.length - spec.tagLength);
  const plain = aeadOpen(spec, key, nonce, aad, fragment.subarray(explicit, explicit + plainLength), tag);
  if (plain === undefined)
    return fail('authentication tag mismatch: the record was altered or the key is wrong');
  return ok({ content: plain, contentType: type, nonce, tag, padding: 0 });
}

/** Builds a TLS 1.2 AEAD record; GCM/CCM use the sequence number as the explicit nonce, as OpenSSL does. */
export function seal12Aead(
  spec: AeadSpec,
  key: Uint8Array,
  iv: Uint8Array,
  seq: number,
  type: number,
  version: number,
  content: Uint8Array,
): Uint8Array {
  const explicit = spec.algorithm === 'chacha20-poly1305' ? new Uint8Array(0) : sequenceBytes(seq);
  const nonce =
    spec.algorithm === 'chacha20-poly1305' ? xorNonce(iv, seq) : concatBytes([iv.subarray(0, 4), explicit]);
  const aad = concatBytes([sequenceBytes(seq), header(type, version, content.length)]);
  const { ciphertext, tag } = aeadSeal(spec, key, nonce, aad, content);
  return concatBytes([
    header(type, version, explicit.length + ciphertext.length + tag.length),
    explicit,
    ciphertext,
    tag,
  ]);
}

function cbcDecrypt(
  spec: CbcSpec,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array | undefined {
  try {
    const d = createDecipheriv(spec.algorithm, key, iv);
    d.setAutoPadding(false);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    return undefined;
  }
}

/** TLS CBC padding: the last byte n and n more bytes all equal to n. Returns n, or -1 if malformed. */
function tlsPadding(block: Uint8Array): number {
  const n = block[block.length - 1]!;
  if (n + 1 > block.length) return -1;
  for (let i = block.length - 1 - n; i < block.length; i++) if (block[i] !== n) return -1;
  return n;
}

/**
 * Opens a TLS 1.1/1.2 CBC record (explicit IV first). MAC-then-encrypt unless `encryptThenMac`
 * (RFC 7366, negotiated by the encrypt_then_mac extension): then the MAC covers IV + ciphertext.
 */
export function open12Cbc(
  spec: CbcSpec,
  key: Uint8Array,
  macKey: Uint8Array,
  seq: number,
  type: number,
  version: number,
  fragment: Uint8Array,
  encryptThenMac: boolean,
): ParseResult<OpenedRecord> {
  const bs = spec.blockSize;
  const seqBytes = sequenceBytes(seq);
  if (encryptThenMac) {
    const body = fragment.length - spec.macLength;
    if (body < 2 * bs || (body - bs) % bs !== 0)
      return fail(`CBC record of ${fragment.length} bytes has a bad length`);
    const mac = fragment.slice(body);
    const expected = hmac(
      spec.mac,
      macKey,
      seqBytes,
      header(type, version, body),
      fragment.subarray(0, body),
    );
    if (!equalBytes(mac, expected)) return fail('bad record MAC: the record was altered or the key is wrong');
    const iv = fragment.slice(0, bs);
    const plain = cbcDecrypt(spec, key, iv, fragment.subarray(bs, body));
    if (plain === undefined) return fail('CBC decryption failed');
    const pad = tlsPadding(plain);
    if (pad < 0) return fail('bad CBC padding');
    return ok({
      content: plain.subarray(0, plain.length - pad - 1),
      contentType: type,
      nonce: iv,
      tag: mac,
      padding: pad,
    });
  }
  if (fragment.length < 2 * bs || fragment.length % bs !== 0)
    return fail(`CBC record of ${fragment.length} bytes is not a whole number of blocks`);
  const iv = fragment.slice(0, bs);
  const plain = cbcDecrypt(spec, key, iv, fragment.subarray(bs));
  if (plain === undefined) return fail('CBC decryption failed');
  const pad = tlsPadding(plain);
  if (pad < 0) return fail('bad CBC padding: the record was altered or the key is wrong');
  const contentLength = plain.length - pad - 1 - spec.macLength;
  if (contentLength < 0) return fail('CBC record too short for its MAC');
  const content = plain.subarray(0, contentLength);
  const mac = plain.slice(contentLength, contentLength + spec.macLength);
  const expected = hmac(spec.mac, macKey, seqBytes, header(type, version, contentLength), content);
  if (!equalBytes(mac, expected)) return fail('bad record MAC: the record was altered or the key is wrong');
  return ok({ content, contentType: type, nonce: iv, tag: mac, padding: pad });
}

/** Builds a TLS 1.2 CBC record with the given explicit IV, either MAC order. */
export function seal12Cbc(
  spec: CbcSpec,
  key: Uint8Array,
  macKey: Uint8Array,
  seq: number,
  type: number,
  version: number,
  content: Uint8Array,
  iv: Uint8Array,
  encryptThenMac: boolean,
): Uint8Array {
  const encrypt = (plain: Uint8Array): Uint8Array => {
    const c = createCipheriv(spec.algorithm, key, iv);
    c.setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  };
  const pad = (n: number): Uint8Array => {
    const p = spec.blockSize - ((n + 1) % spec.blockSize);
    const padLength = p === spec.blockSize ? 0 : p;
    return new Uint8Array(padLength + 1).fill(padLength);
  };
  const seqBytes = sequenceBytes(seq);
  if (encryptThenMac) {
    const body = concatBytes([iv, encrypt(concatBytes([content, pad(content.length)]))]);
    const mac = hmac(spec.mac, macKey, seqBytes, header(type, version, body.length), body);
    return concatBytes([header(type, version, body.length + mac.length), body, mac]);
  }
  const mac = hmac(spec.mac, macKey, seqBytes, header(type, version, content.length), content);
  const plain = concatBytes([content, mac]);
  const body = concatBytes([iv, encrypt(concatBytes([plain, pad(plain.length)]))]);
  return concatBytes([header(type, version, body.length), body]);
}
