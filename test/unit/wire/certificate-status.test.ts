import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeCertificateStatus,
  parseCertificateStatus,
  STATUS_REQUEST_OCSP,
} from '../../../src/wire/certificate-status.ts';

describe('CertificateStatus', () => {
  it('round-trips an ocsp status', () => {
    const body = encodeCertificateStatus(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00));
    assert.deepEqual(Array.from(body.subarray(0, 4)), [1, 0, 0, 5]);
    const r = parseCertificateStatus(body);
    assert.ok(r.ok);
    assert.equal(r.value.statusType, 1);
    assert.deepEqual(Array.from(r.value.responses[0]!), [0x30, 0x03, 0x0a, 0x01, 0x00]);
  });

  it('reads an ocsp_multi list', () => {
    const r = parseCertificateStatus(Uint8Array.of(2, 0, 0, 8, 0, 0, 2, 0xaa, 0xbb, 0, 0, 0));
    assert.ok(r.ok);
    assert.equal(r.value.responses.length, 2);
    assert.equal(r.value.responses[1]!.length, 0);
  });

  it('refuses truncation, trailing bytes, empty responses and unknown types', () => {
    for (const bad of [[], [1, 0, 0, 5, 1], [1, 0, 0, 1, 9, 9], [1, 0, 0, 0], [7, 0, 0, 0]]) {
      const r = parseCertificateStatus(Uint8Array.from(bad));
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
  });

  it('asks for OCSP with empty responder and extension lists', () => {
    assert.deepEqual(Array.from(STATUS_REQUEST_OCSP), [1, 0, 0, 0, 0]);
  });
});
