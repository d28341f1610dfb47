// The message decoders the trace needs: EncryptedExtensions, NewSessionTicket (1.2 and 1.3),
// Finished, CertificateVerify, ClientKeyExchange, KeyUpdate — on RFC 8448 bytes where it has them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../../src/wire/bytes.ts';
import { parseCertificateVerify } from '../../../src/wire/certificate-verify.ts';
import { parseClientKeyExchange } from '../../../src/wire/client-key-exchange.ts';
import { parseEncryptedExtensions } from '../../../src/wire/encrypted-extensions.ts';
import { parseFinished } from '../../../src/wire/finished.ts';
import { parseKeyUpdate } from '../../../src/wire/key-update.ts';
import { parseNewSessionTicket } from '../../../src/wire/new-session-ticket.ts';
import { rfc8448 as v } from '../../fixtures/trace/rfc8448.ts';

const body = (name: string): Uint8Array => v(name).subarray(4);

describe('handshake message decoders', () => {
  it('EncryptedExtensions of RFC 8448: supported_groups, record_size_limit, server_name ack', () => {
    const r = parseEncryptedExtensions(body('encrypted_extensions'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.extensions.map((e) => e.type),
      [10, 28, 0],
    );
    assert.deepEqual(r.value.supportedGroups, [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104]);
    assert.equal(r.value.recordSizeLimit, 0x4001);
    assert.equal(r.value.serverNameAck, true);
    assert.equal(r.value.earlyData, false);
    assert.equal(parseEncryptedExtensions(Uint8Array.of(0, 4, 0, 16, 0, 1)).ok, false);
    assert.equal(
      parseEncryptedExtensions(Uint8Array.of(0, 8, 0, 42, 0, 0, 0, 42, 0, 0)).ok,
      false,
      'repeated',
    );
  });

  it('NewSessionTicket of RFC 8448 (TLS 1.3) and a TLS 1.2 one', () => {
    const r = parseNewSessionTicket(body('new_session_ticket'), true);
    assert.ok(r.ok);
    assert.equal(r.value.lifetime, 30);
    assert.equal(r.value.ageAdd, 0xfad6aac5);
    assert.equal(toHex(r.value.nonce!), '0000');
    assert.equal(r.value.ticket.length, 178);
    assert.equal(r.value.maxEarlyData, 0x400);
    const t12 = parseNewSessionTicket(Uint8Array.of(0, 0, 0x1c, 0x20, 0, 3, 1, 2, 3), false);
    assert.ok(t12.ok);
    assert.equal(t12.value.lifetime, 7200);
    assert.deepEqual([...t12.value.ticket], [1, 2, 3]);
    assert.equal(parseNewSessionTicket(Uint8Array.of(0, 0, 0, 1, 0, 9), false).ok, false);
  });

  it('Finished and CertificateVerify of RFC 8448', () => {
    const fin = parseFinished(body('server_finished'), 32);
    assert.ok(fin.ok);
    assert.equal(toHex(fin.value.verifyData), toHex(v('server_finished_verify_data')));
    assert.deepEqual(parseFinished(body('server_finished'), 12), {
      ok: false,
      error: 'Finished verify_data is 32 bytes (expected 12)',
    });
    const cv = parseCertificateVerify(body('certificate_verify'));
    assert.ok(cv.ok);
    assert.equal(cv.value.signatureScheme, 0x0804);
    assert.equal(cv.value.signature.length, 128);
    assert.equal(parseCertificateVerify(Uint8Array.of(8, 4, 0, 0)).ok, false);
  });

  it('ClientKeyExchange for RSA, ECDHE and DHE', () => {
    const rsa = parseClientKeyExchange(Uint8Array.of(0, 3, 9, 8, 7), 'rsa');
    assert.ok(rsa.ok && rsa.value.kind === 'rsa');
    assert.deepEqual([...rsa.value.encryptedPreMaster], [9, 8, 7]);
    const ec = parseClientKeyExchange(Uint8Array.of(2, 4, 5), 'ecdhe');
    assert.ok(ec.ok && ec.value.kind === 'ecdhe');
    assert.deepEqual([...ec.value.publicKey], [4, 5]);
    assert.equal(parseClientKeyExchange(Uint8Array.of(0, 2, 1), 'dhe').ok, false);
    assert.equal(parseClientKeyExchange(Uint8Array.of(1, 4, 9), 'ecdhe').ok, false, 'trailing byte');
  });

  it('KeyUpdate', () => {
    assert.deepEqual(parseKeyUpdate(Uint8Array.of(1)), { ok: true, value: { updateRequested: true } });
    assert.deepEqual(parseKeyUpdate(Uint8Array.of(0)), { ok: true, value: { updateRequested: false } });
    assert.equal(parseKeyUpdate(Uint8Array.of(2)).ok, false);
  });
});
