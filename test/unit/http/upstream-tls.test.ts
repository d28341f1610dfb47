import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeUpstreamTlsError, upstreamTlsConnectOptions } from '../../../src/http/upstream-tls.ts';

test('each verification failure is named', () => {
  const d = (code: string, message = '') =>
    describeUpstreamTlsError(code, message, '10.0.0.7:8443', 'app.internal', true);
  assert.match(d('UNABLE_TO_VERIFY_LEAF_SIGNATURE') ?? '', /certificate not trusted .*upstream\.ca/);
  assert.match(
    d(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: Host: app.internal. is not in the cert's altnames: DNS:db.internal",
    ) ?? '',
    /name mismatch: the certificate does not name "app\.internal" \(Host: app\.internal\. is not in the cert's altnames: DNS:db\.internal\)/,
  );
  assert.match(d('CERT_HAS_EXPIRED') ?? '', /has expired/);
  assert.equal(d('ECONNREFUSED'), undefined);
});

test('no SNI for an IP servername; verification on unless explicitly skipped', () => {
  const ip = upstreamTlsConnectOptions({ servername: '10.0.0.7', verify: true });
  assert.equal(ip.servername, undefined);
  assert.equal(ip.rejectUnauthorized, true);
  const named = upstreamTlsConnectOptions({ servername: 'app.internal', verify: false, caPems: ['x'] });
  assert.equal(named.servername, 'app.internal');
  assert.equal(named.rejectUnauthorized, false);
  assert.deepEqual(named.ca, ['x']);
});
