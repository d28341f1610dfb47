import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readServerFlight } from '../../../src/probe/server-flight.ts';
import { alertRecord, concat, helloRetryRequest, tls12Flight, tls13Hello } from './flights.ts';

describe('readServerFlight', () => {
  it('reads a TLS 1.2 flight up to ServerHelloDone: suite, chain as sent, key exchange, OCSP', () => {
    const ocsp = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00);
    const r = readServerFlight(tls12Flight({ group: 24, scheme: 0x0503, ocsp }));
    assert.equal(r.kind, 'hello');
    if (r.kind !== 'hello') return;
    assert.equal(r.complete, true);
    assert.equal(r.hello.cipherSuite, 0xc02b);
    assert.equal(r.hello.selectedVersion, 0x0303);
    assert.equal(r.hello.renegotiationInfo, true);
    assert.deepEqual(
      r.certificates.map((c) => Array.from(c)),
      [
        [0x30, 0x03, 1, 2, 3],
        [0x30, 0x01, 4],
      ],
    );
    assert.equal(r.serverKeyExchange?.kind, 'ecdhe');
    if (r.serverKeyExchange?.kind === 'ecdhe') {
      assert.equal(r.serverKeyExchange.group, 24);
      assert.equal(r.serverKeyExchange.signed?.scheme, 0x0503);
    }
    assert.deepEqual(Array.from(r.certificateStatus?.responses[0] ?? []), Array.from(ocsp));
  });

  it('says need-more until the last byte of a flight spread over small records has arrived', () => {
    const bytes = tls12Flight({ maxFragment: 7 });
    for (let n = 0; n < bytes.length; n++) {
      assert.equal(readServerFlight(bytes.subarray(0, n)).kind, 'need-more', `at ${n} of ${bytes.length}`);
    }
    assert.equal(readServerFlight(bytes).kind, 'hello');
  });

  it('stops at a TLS 1.3 ServerHello and ignores the encrypted records after it', () => {
    const r = readServerFlight(tls13Hello(0x11ec, 0x1302));
    assert.equal(r.kind, 'hello');
    if (r.kind !== 'hello') return;
    assert.equal(r.hello.selectedVersion, 0x0304);
    assert.equal(r.hello.keyShareGroup, 0x11ec);
    assert.equal(r.hello.cipherSuite, 0x1302);
    assert.equal(r.certificates.length, 0);
  });

  it('recognises a HelloRetryRequest and the group it asks for', () => {
    const r = readServerFlight(helloRetryRequest(24));
    assert.equal(r.kind, 'hrr');
    if (r.kind === 'hrr') assert.equal(r.hello.keyShareGroup, 24);
  });

  it('returns a fatal alert by name, and skips warnings before the answer', () => {
    const fatal = readServerFlight(alertRecord(2, 70));
    assert.equal(fatal.kind, 'alert');
    if (fatal.kind === 'alert') assert.equal(fatal.alert.name, 'protocol_version');

    const r = readServerFlight(concat(alertRecord(1, 112), tls12Flight()));
    assert.equal(r.kind, 'hello');
    if (r.kind === 'hello')
      assert.deepEqual(
        r.warnings.map((w) => w.name),
        ['unrecognized_name'],
      );
  });

  it('tells a plain-text answer from TLS and quotes it', () => {
    const r = readServerFlight(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'));
    assert.equal(r.kind, 'not-tls');
    if (r.kind === 'not-tls') assert.match(r.detail, /HTTP\/1\.1 400 Bad Request/);
  });

  it('turns an early close into closed, and a close after ServerHello into a partial hello', () => {
    assert.equal(readServerFlight(new Uint8Array(0), true).kind, 'closed');
    const flight = tls12Flight({ maxFragment: 50 });
    const cut = readServerFlight(flight.subarray(0, 120), true);
    assert.equal(cut.kind, 'hello');
    if (cut.kind === 'hello') assert.equal(cut.complete, false);
  });

  it('calls a handshake message other than ServerHello first malformed', () => {
    const flight = tls12Flight();
    // Rewrite the first handshake type (ServerHello → Certificate).
    const bad = flight.slice();
    bad[5] = 11;
    const r = readServerFlight(bad);
    assert.equal(r.kind, 'malformed');
  });
});
