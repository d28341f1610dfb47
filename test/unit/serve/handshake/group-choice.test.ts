import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictGroup } from '../../../../src/serve/handshake/group-choice.ts';

const SERVER = ['X25519MLKEM768', 'X25519', 'P-256', 'P-384'];
const ID = { X25519MLKEM768: 0x11ec, X25519: 29, P256: 23, P384: 24, P521: 25 } as const;

test('TLS 1.3: the hybrid group when the client sent its key share', () => {
  assert.deepEqual(predictGroup('TLS1.3', SERVER, [ID.X25519MLKEM768, ID.X25519], [ID.X25519MLKEM768]), {
    group: 'X25519MLKEM768',
    helloRetry: false,
  });
});

test('TLS 1.3: a group with a key share is preferred over a HelloRetryRequest for a better one', () => {
  assert.deepEqual(predictGroup('TLS1.3', SERVER, [ID.X25519, ID.X25519MLKEM768], [ID.X25519]), {
    group: 'X25519',
    helloRetry: false,
  });
});

test('TLS 1.3: server order among the shares the client sent', () => {
  assert.equal(predictGroup('TLS1.3', SERVER, [ID.P384, ID.X25519], [ID.P384, ID.X25519]).group, 'X25519');
});

test('TLS 1.3: HelloRetryRequest when no key share is usable', () => {
  assert.deepEqual(predictGroup('TLS1.3', SERVER, [ID.P521, ID.P256], [ID.P521]), {
    group: 'P-256',
    helloRetry: true,
  });
});

test('TLS 1.2: the first server group the client supports, never a TLS 1.3-only hybrid', () => {
  assert.equal(predictGroup('TLS1.2', SERVER, [ID.X25519MLKEM768, ID.P384, ID.P256], []).group, 'P-256');
});

test('no group in common', () => {
  assert.deepEqual(predictGroup('TLS1.3', SERVER, [ID.P521], [ID.P521]), {
    group: undefined,
    helloRetry: false,
  });
});
