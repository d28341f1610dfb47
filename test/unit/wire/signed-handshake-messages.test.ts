// ServerKeyExchange and CertificateRequest from real servers at TLS 1.0, 1.1 and 1.2 (openssl
// s_server 3.0, bytes in test/fixtures/wire): each laid out per its own version. Before TLS 1.2
// the signature has no scheme field and CertificateRequest no schemes list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCertificateRequest } from '../../../src/wire/certificate-request.ts';
import {
  parseCertificateVerify,
  parseSignedCertificateVerify,
} from '../../../src/wire/certificate-verify.ts';
import { parseServerKeyExchange, parseSignedKeyExchange } from '../../../src/wire/server-key-exchange.ts';
import { readFixture } from './helpers.ts';

describe('ServerKeyExchange per version', () => {
  it('TLS 1.0 ECDHE-RSA: P-256 key, then a bare 256-byte RSA signature (no scheme)', () => {
    const body = readFixture('ske-tls10-ecdhe-rsa');
    const p = parseSignedKeyExchange(body, { kx: 'ecdhe', version: 0x0301 });
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.kind, 'ecdhe');
    if (p.value.kind === 'ecdhe') {
      assert.equal(p.value.group, 23);
      assert.equal(p.value.publicKey.length, 65);
    }
    assert.equal(p.value.signed?.scheme, null);
    assert.equal(p.value.signed?.signature.length, 256);
    // The TLS 1.2 reading takes the signature's length for a scheme: the "truncated".
    const as12 = parseServerKeyExchange(body, 'ecdhe');
    assert.equal(as12.ok, false);
  });

  it('TLS 1.1 DHE-RSA: a 1024-bit prime, generator 2, a bare signature', () => {
    const p = parseSignedKeyExchange(readFixture('ske-tls11-dhe-rsa'), { kx: 'dhe', version: 0x0302 });
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.kind, 'dhe');
    if (p.value.kind === 'dhe') {
      assert.equal(p.value.prime.length, 128);
      assert.deepEqual([...p.value.generator], [2]);
    }
    assert.equal(p.value.signed?.scheme, null);
    assert.equal(p.value.signed?.signature.length, 256);
  });

  it('TLS 1.0 DH_anon: the parameters and no signature at all', () => {
    const body = readFixture('ske-tls10-dh-anon');
    const p = parseSignedKeyExchange(body, { kx: 'dhe', version: 0x0301, anonymous: true });
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.signed, null);
    assert.equal(parseSignedKeyExchange(body, { kx: 'dhe', version: 0x0301 }).ok, false);
  });

  it('TLS 1.2 ECDHE-RSA: the scheme (rsa_pss_rsae_sha256) before the signature', () => {
    const body = readFixture('ske-tls12-ecdhe-rsa');
    const p = parseSignedKeyExchange(body, { kx: 'ecdhe', version: 0x0303 });
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.signed?.scheme, 0x0804);
    assert.equal(p.value.signed?.signature.length, 256);
    const legacy = parseServerKeyExchange(body, 'ecdhe');
    assert.ok(legacy.ok);
    assert.equal(legacy.value.signatureScheme, 0x0804);
    // Read as TLS 1.0 the scheme bytes become a length: refused, not misread.
    assert.equal(parseSignedKeyExchange(body, { kx: 'ecdhe', version: 0x0301 }).ok, false);
  });
});

describe('CertificateRequest per version', () => {
  it('TLS 1.0: certificate types and an empty CA list, no schemes', () => {
    const p = parseCertificateRequest(readFixture('certificate-request-tls10'), 0x0301);
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.deepEqual(p.value.certificateTypes, [1, 2, 64]);
    assert.equal(p.value.signatureSchemes, null);
    assert.deepEqual(p.value.authorities, []);
  });

  it('TLS 1.2: certificate types, then the signature schemes', () => {
    const p = parseCertificateRequest(readFixture('certificate-request-tls12'), 0x0303);
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.deepEqual(p.value.certificateTypes, [1, 2, 64]);
    assert.equal(p.value.signatureSchemes?.length, 20);
    assert.equal(p.value.signatureSchemes?.[0], 0x0403);
    assert.deepEqual(p.value.authorities, []);
  });

  it('refuses a TLS 1.2 body read as TLS 1.0 (trailing bytes), and truncation', () => {
    assert.equal(parseCertificateRequest(readFixture('certificate-request-tls12'), 0x0301).ok, false);
    assert.equal(parseCertificateRequest(Uint8Array.of(3, 1, 2), 0x0301).ok, false);
  });
});

describe('CertificateVerify per version (client side, TLS ≤ 1.2)', () => {
  it('TLS 1.0: a bare RSA signature; the TLS 1.2 reading refuses it', () => {
    const body = readFixture('certificate-verify-tls10');
    const p = parseSignedCertificateVerify(body, 0x0301);
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.scheme, null);
    assert.equal(p.value.signature.length, 256);
    assert.equal(parseCertificateVerify(body).ok, false);
  });

  it('TLS 1.2: the scheme, then the signature', () => {
    const p = parseSignedCertificateVerify(readFixture('certificate-verify-tls12'), 0x0303);
    assert.ok(p.ok, p.ok ? '' : p.error);
    assert.equal(p.value.scheme, 0x0804);
    assert.equal(p.value.signature.length, 256);
  });
});
