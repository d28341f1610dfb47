import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  encodeServerHello,
  sniffServerHello,
} from '../../../src/wire/index.ts';

const serverHelloRecord = (): Uint8Array =>
  encodeRecord(
    22,
    0x0303,
    encodeHandshake(
      2,
      encodeServerHello({
        random: new Uint8Array(32).fill(7),
        cipherSuite: 0x1301,
        extensions: [
          { type: 43, data: Uint8Array.of(0x03, 0x04) }, // supported_versions: TLS 1.3
          { type: 51, data: Uint8Array.of(0x00, 0x1d, 0x00, 0x20, ...new Uint8Array(32)) }, // key_share x25519
        ],
      }),
    ),
  );

test('reads the ServerHello, also when it arrives a byte at a time', () => {
  const bytes = serverHelloRecord();
  for (let n = 0; n < bytes.length; n++)
    assert.equal(sniffServerHello(bytes.subarray(0, n)).kind, 'need-more');
  const v = sniffServerHello(bytes);
  assert.ok(v.kind === 'server-hello');
  assert.equal(v.hello.cipherSuite, 0x1301);
  assert.equal(v.hello.keyShareGroup, 0x001d);
});

test('an alert first is a refusal; anything else is not TLS', () => {
  const v = sniffServerHello(encodeAlert('fatal', 40));
  assert.ok(v.kind === 'alert');
  assert.equal(v.alert.name, 'handshake_failure');
  assert.equal(sniffServerHello(Buffer.from('HTTP/1.1 400 Bad Request\r\n')).kind, 'not-tls');
});

test('never throws on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      sniffServerHello(bytes);
    }),
    { numRuns: Number(process.env['FUZZ_RUNS'] ?? 2000) },
  );
});
