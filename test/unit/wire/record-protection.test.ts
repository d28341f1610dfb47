// Record protection: RFC 8448 §3's protected records opened byte for byte, every tampered bit
// refused, and TLS 1.2 AEAD / CBC records (both MAC orders) opened as built by the seal side.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { toHex } from '../../../src/wire/bytes.ts';
import {
  type AeadSpec,
  type CbcSpec,
  open12Aead,
  open12Cbc,
  open13,
  seal12Aead,
  seal12Cbc,
  seal13,
  xorNonce,
} from '../../../src/wire/record-protection.ts';
import { rfc8448 as v } from '../../fixtures/trace/rfc8448.ts';

const AES128GCM: AeadSpec = { kind: 'aead', algorithm: 'aes-128-gcm', keyLength: 16, tagLength: 16 };
const AES256GCM: AeadSpec = { kind: 'aead', algorithm: 'aes-256-gcm', keyLength: 32, tagLength: 16 };
const CHACHA: AeadSpec = { kind: 'aead', algorithm: 'chacha20-poly1305', keyLength: 32, tagLength: 16 };
const CCM8: AeadSpec = { kind: 'aead', algorithm: 'aes-128-ccm', keyLength: 16, tagLength: 8 };
const CBC_SHA: CbcSpec = {
  kind: 'cbc',
  algorithm: 'aes-128-cbc',
  keyLength: 16,
  blockSize: 16,
  mac: 'sha1',
  macLength: 20,
};

const open = (record: Uint8Array, key: string, iv: string, seq: number) =>
  open13(AES128GCM, v(key), v(iv), seq, record.subarray(0, 5), record.subarray(5));

const cat = (...names: string[]): string => names.map((n) => toHex(v(n))).join('');

describe('TLS 1.3 records of RFC 8448 §3', () => {
  it('opens the server flight: EncryptedExtensions through Finished, inner type handshake', () => {
    const r = open(
      v('server_handshake_record'),
      'server_handshake_write_key',
      'server_handshake_write_iv',
      0,
    );
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.contentType, 22);
    assert.equal(
      toHex(r.value.content),
      cat('encrypted_extensions', 'certificate', 'certificate_verify', 'server_finished'),
    );
    assert.equal(toHex(r.value.nonce), toHex(v('server_handshake_write_iv')));
    assert.equal(r.value.tag.length, 16);
    assert.equal(r.value.padding, 0);
  });

  it('opens the client Finished, the ticket, the application data both ways and both close_notify alerts', () => {
    const cfin = open(
      v('client_finished_record'),
      'client_handshake_write_key',
      'client_handshake_write_iv',
      0,
    );
    assert.ok(cfin.ok);
    assert.equal(toHex(cfin.value.content), cat('client_finished'));
    const nst = open(
      v('new_session_ticket_record'),
      'server_application_write_key',
      'server_application_write_iv',
      0,
    );
    assert.ok(nst.ok);
    assert.equal(toHex(nst.value.content), cat('new_session_ticket'));
    const capp = open(
      v('client_application_data_record'),
      'client_application_write_key',
      'client_application_write_iv',
      0,
    );
    assert.ok(capp.ok);
    assert.equal(capp.value.contentType, 23);
    assert.equal(toHex(capp.value.content), cat('application_data'));
    const sapp = open(
      v('server_application_data_record'),
      'server_application_write_key',
      'server_application_write_iv',
      1,
    );
    assert.ok(sapp.ok);
    assert.equal(toHex(sapp.value.content), cat('application_data'));
    const calert = open(
      v('client_alert_record'),
      'client_application_write_key',
      'client_application_write_iv',
      1,
    );
    assert.ok(calert.ok);
    assert.deepEqual([calert.value.contentType, ...calert.value.content], [21, 1, 0]);
    const salert = open(
      v('server_alert_record'),
      'server_application_write_key',
      'server_application_write_iv',
      2,
    );
    assert.ok(salert.ok);
    assert.deepEqual([salert.value.contentType, ...salert.value.content], [21, 1, 0]);
  });

  it('seals the client Finished to the RFC’s bytes', () => {
    const sealed = seal13(
      AES128GCM,
      v('client_handshake_write_key'),
      v('client_handshake_write_iv'),
      0,
      22,
      v('client_finished'),
    );
    assert.equal(toHex(sealed), toHex(v('client_finished_record')));
  });

  it('refuses every single-bit change of a protected record, and the wrong sequence number', () => {
    const record = v('client_finished_record');
    for (let bit = 0; bit < record.length * 8; bit++) {
      const bad = record.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const r = open(bad, 'client_handshake_write_key', 'client_handshake_write_iv', 0);
      assert.equal(r.ok, false, `bit ${bit}`);
    }
    const wrongSeq = open(record, 'client_handshake_write_key', 'client_handshake_write_iv', 1);
    assert.deepEqual(wrongSeq, {
      ok: false,
      error: 'authentication tag mismatch: the record was altered or the key is wrong',
    });
  });

  it('builds the per-record nonce as IV XOR sequence number', () => {
    const iv = v('server_application_write_iv');
    assert.equal(toHex(xorNonce(iv, 0)), toHex(iv));
    assert.equal(toHex(xorNonce(iv, 1)), 'cf782b88dd83549aadf1e985');
    assert.equal(toHex(xorNonce(new Uint8Array(12), 2 ** 40 + 5)), '000000000000010000000005');
  });

  it('strips TLS 1.3 zero padding and reports it', () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const rec = seal13(CHACHA, key, iv, 7, 23, Buffer.from('hi'), 5);
    const r = open13(CHACHA, key, iv, 7, rec.subarray(0, 5), rec.subarray(5));
    assert.ok(r.ok);
    assert.equal(Buffer.from(r.value.content).toString(), 'hi');
    assert.equal(r.value.padding, 5);
  });
});

describe('TLS 1.2 record protection', () => {
  const content = Buffer.from('GET / HTTP/1.1\r\nHost: a.test\r\n\r\n');

  for (const spec of [AES128GCM, AES256GCM, CHACHA, CCM8]) {
    it(`opens what it seals with ${spec.algorithm} (tag ${spec.tagLength}) and refuses a flipped byte`, () => {
      const key = randomBytes(spec.keyLength);
      const iv = randomBytes(spec.algorithm === 'chacha20-poly1305' ? 12 : 4);
      const rec = seal12Aead(spec, key, iv, 3, 23, 0x0303, content);
      const r = open12Aead(spec, key, iv, 3, 23, 0x0303, rec.subarray(5));
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(Buffer.from(r.value.content).toString(), content.toString());
      assert.equal(r.value.tag.length, spec.tagLength);
      const bad = rec.slice(5);
      bad[bad.length - 1]! ^= 0x80;
      assert.equal(open12Aead(spec, key, iv, 3, 23, 0x0303, bad).ok, false);
      assert.equal(open12Aead(spec, key, iv, 4, 23, 0x0303, rec.subarray(5)).ok, false, 'wrong seq');
      assert.equal(open12Aead(spec, key, iv, 3, 22, 0x0303, rec.subarray(5)).ok, false, 'wrong type in AAD');
    });
  }

  for (const etm of [false, true]) {
    it(`opens CBC-SHA records, ${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt'}, and names what is wrong`, () => {
      const key = randomBytes(16);
      const macKey = randomBytes(20);
      const iv = randomBytes(16);
      const rec = seal12Cbc(CBC_SHA, key, macKey, 9, 23, 0x0303, content, iv, etm);
      const r = open12Cbc(CBC_SHA, key, macKey, 9, 23, 0x0303, rec.subarray(5), etm);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(Buffer.from(r.value.content).toString(), content.toString());
      assert.equal(toHex(r.value.nonce), toHex(iv));
      assert.equal(r.value.tag.length, 20);
      const wrongMac = open12Cbc(CBC_SHA, key, randomBytes(20), 9, 23, 0x0303, rec.subarray(5), etm);
      assert.equal(wrongMac.ok, false);
      assert.match(wrongMac.ok ? '' : wrongMac.error, /bad record MAC|bad CBC padding/);
      const tampered = rec.slice(5);
      tampered[20]! ^= 1;
      assert.equal(open12Cbc(CBC_SHA, key, macKey, 9, 23, 0x0303, tampered, etm).ok, false);
      assert.equal(open12Cbc(CBC_SHA, key, macKey, 9, 23, 0x0303, rec.subarray(5, 20), etm).ok, false);
    });
  }
});
