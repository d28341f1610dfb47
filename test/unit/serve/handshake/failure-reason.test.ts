import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyHandshakeError } from '../../../../src/serve/handshake/failure-reason.ts';
import type { TlsPolicy } from '../../../../src/tls/policy.ts';

const policy: TlsPolicy = {
  profile: 'modern',
  minVersion: 'TLS1.3',
  maxVersion: 'TLS1.3',
  ciphers12: [],
  ciphers13: ['TLS_AES_128_GCM_SHA256'],
  groups: ['X25519'],
};

test('an alert from the client about our certificate', () => {
  const f = classifyHandshakeError(
    { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: 'tlsv1 alert unknown ca' },
    undefined,
    policy,
  );
  assert.deepEqual(f, {
    reason: 'client_rejected_certificate',
    detail: 'client refused our certificate: alert unknown_ca',
  });
});

test('a missing client certificate', () => {
  const f = classifyHandshakeError(
    { code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', message: 'x' },
    undefined,
    policy,
  );
  assert.equal(f.reason, 'client_certificate_required');
});

test('timeouts and resets', () => {
  assert.equal(
    classifyHandshakeError({ code: 'ERR_TLS_HANDSHAKE_TIMEOUT', message: '' }, undefined, policy).reason,
    'handshake_timeout',
  );
  assert.equal(
    classifyHandshakeError({ code: 'ECONNRESET', message: 'read ECONNRESET' }, undefined, policy).reason,
    'client_closed',
  );
});

test('OpenSSL words alone, without a hello', () => {
  assert.equal(
    classifyHandshakeError({ message: 'no shared cipher' }, undefined, policy).reason,
    'no_common_cipher',
  );
  assert.equal(
    classifyHandshakeError({ message: 'unsupported protocol' }, undefined, policy).reason,
    'no_common_version',
  );
  assert.equal(
    classifyHandshakeError({ message: 'something new\nmore' }, undefined, policy).detail,
    'something new',
  );
});
