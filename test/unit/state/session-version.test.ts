import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionProtocolVersion, TLS12, TLS13 } from '../../../src/state/index.ts';

// The first bytes of sessions as Node's 'newSession' hands them over (captured from Node 24).
const tls13 = Buffer.from('30819f020101020203040402130204201193085da1b6e55d', 'hex');
const tls12Short = Buffer.from('3050020101020203030402c02b', 'hex');

test('reads ssl_version from SSL_SESSION DER (long and short length forms)', () => {
  assert.equal(sessionProtocolVersion(tls13), TLS13);
  assert.equal(sessionProtocolVersion(tls12Short), TLS12);
});

test('anything else is undefined', () => {
  for (const hex of ['', '31', '3081', '30819f', '3003020102', '3005020101020503', '300a0201010200']) {
    assert.equal(sessionProtocolVersion(Buffer.from(hex, 'hex')), undefined, hex);
  }
});
