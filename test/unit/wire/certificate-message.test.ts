import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeCertificateMessage,
  parseCertificateMessage,
  parseServerKeyExchange,
} from '../../../src/wire/index.ts';

describe('Certificate message', () => {
  const a = Uint8Array.of(0x30, 1, 2);
  const b = Uint8Array.of(0x30, 3, 4, 5);
  for (const tls13 of [false, true]) {
    it(`round-trips a chain (${tls13 ? 'TLS 1.3' : 'TLS 1.2'})`, () => {
      const parsed = parseCertificateMessage(encodeCertificateMessage([a, b], tls13), tls13);
      assert.ok(parsed.ok);
      assert.deepEqual(
        parsed.value.entries.map((e) => [...e.der]),
        [[...a], [...b]],
      );
    });
    it(`rejects every truncation (${tls13 ? 'TLS 1.3' : 'TLS 1.2'})`, () => {
      const full = encodeCertificateMessage([a, b], tls13);
      for (let n = 0; n < full.length; n++)
        assert.equal(parseCertificateMessage(full.subarray(0, n), tls13).ok, false);
    });
  }
  it('reads an empty list (a client with no certificate)', () => {
    const parsed = parseCertificateMessage(Uint8Array.of(0, 0, 0, 0), true);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.entries.length, 0);
  });
});

describe('ServerKeyExchange', () => {
  it('reads an ECDHE named-curve body', () => {
    const body = Uint8Array.of(3, 0x00, 0x1d, 2, 0xaa, 0xbb, 0x04, 0x03, 0, 1, 0xcc);
    const parsed = parseServerKeyExchange(body, 'ecdhe');
    assert.ok(parsed.ok && parsed.value.kind === 'ecdhe');
    assert.equal(parsed.value.group, 0x1d);
    assert.equal(parsed.value.signatureScheme, 0x0403);
  });
  it('refuses explicit curves and truncation', () => {
    assert.equal(parseServerKeyExchange(Uint8Array.of(1, 0, 0x1d), 'ecdhe').ok, false);
    assert.equal(parseServerKeyExchange(Uint8Array.of(3, 0), 'ecdhe').ok, false);
    assert.equal(parseServerKeyExchange(Uint8Array.of(0, 1), 'dhe').ok, false);
  });
});
