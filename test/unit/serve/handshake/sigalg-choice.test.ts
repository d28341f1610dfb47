import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { signatureMismatch, signingKeyOf } from '../../../../src/serve/handshake/sigalg-choice.ts';
import { chromeLikeHello } from '../../../helpers/client-hello.ts';

const p256 = signingKeyOf(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
const rsa = signingKeyOf(crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);

test('what a key signs: ECDSA bound to its curve in TLS 1.3, RSA with PSS only in TLS 1.3', () => {
  assert.equal(p256?.label, 'ECDSA P-256');
  assert.deepEqual(p256?.tls13, ['ecdsa_secp256r1_sha256']);
  assert.equal(rsa?.label, 'RSA 2048');
  assert.ok(!rsa?.tls13.includes('rsa_pkcs1_sha256'));
  assert.ok(rsa?.tls12.includes('rsa_pkcs1_sha256'));
});

test('an RSA-only offer against an ECDSA key is a mismatch; with an RSA key too, it is not', () => {
  assert.ok(p256 && rsa);
  const hello = chromeLikeHello({ signatureAlgorithms: [0x0804, 0x0401] });
  const f = signatureMismatch(hello, 'TLS1.3', [p256]);
  assert.equal(f?.reason, 'no_common_signature_algorithm');
  assert.equal(
    f?.detail,
    "no signature algorithm in common for TLS1.3: client offered rsa_pss_rsae_sha256, rsa_pkcs1_sha256; this site's key (ECDSA P-256) sign ecdsa_secp256r1_sha256",
  );
  assert.equal(signatureMismatch(hello, 'TLS1.3', [p256, rsa]), undefined);
  // PKCS#1 alone: enough for TLS 1.2, not for TLS 1.3.
  const pkcs1 = chromeLikeHello({ signatureAlgorithms: [0x0401] });
  assert.equal(signatureMismatch(pkcs1, 'TLS1.2', [rsa]), undefined);
  assert.equal(signatureMismatch(pkcs1, 'TLS1.3', [rsa])?.reason, 'no_common_signature_algorithm');
});

test('TLS 1.2 lets an ECDSA key sign with any ECDSA scheme; SHA-1 does not count; no extension, no prediction', () => {
  assert.ok(p256);
  const p384only = chromeLikeHello({ signatureAlgorithms: [0x0503] });
  assert.equal(signatureMismatch(p384only, 'TLS1.2', [p256]), undefined);
  assert.equal(signatureMismatch(p384only, 'TLS1.3', [p256])?.reason, 'no_common_signature_algorithm');
  const sha1 = chromeLikeHello({ signatureAlgorithms: [0x0203] });
  assert.equal(signatureMismatch(sha1, 'TLS1.2', [p256])?.reason, 'no_common_signature_algorithm');
  const none = chromeLikeHello({ signatureAlgorithms: [] });
  assert.equal(signatureMismatch(none, 'TLS1.2', [p256]), undefined);
});
