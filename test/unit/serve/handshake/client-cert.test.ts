import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  clientCertificateFailure,
  clientCertLines,
  renderXfcc,
  rfc4514Subject,
  verifyStatus,
} from '../../../../src/serve/handshake/client-cert.ts';
import { makePki, makeTempDir } from '../../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let cert: X509Certificate;

before(async () => {
  tmp = makeTempDir('client-cert');
  const pki = await makePki(tmp.dir);
  cert = new X509Certificate((await pki.issue(['client.test', 'alt.client.test'], { name: 'c' })).certPem);
});
after(() => tmp.cleanup());

test('RFC 4514 subject: most specific first, special characters escaped', () => {
  assert.equal(rfc4514Subject('C=JP\nO=Acme, Inc.\nCN=client'), 'CN=client,O=Acme\\, Inc.,C=JP');
  assert.equal(rfc4514Subject('CN= lead#"q"'), 'CN=\\ lead#\\"q\\"');
});

test('x-forwarded-client-cert in Envoy format: Hash, Subject, DNS; Cert only when asked', () => {
  const x = renderXfcc(cert, false);
  assert.match(x, /^Hash=[0-9a-f]{64};Subject="CN=client\.test";DNS=client\.test;DNS=alt\.client\.test$/);
  assert.equal(x.slice(5, 69), cert.fingerprint256.replace(/:/g, '').toLowerCase());
  const withPem = renderXfcc(cert, true);
  const pem = /Cert="([^"]+)"/.exec(withPem)?.[1] ?? '';
  assert.equal(decodeURIComponent(pem), cert.toString());
  assert.doesNotMatch(pem, /[\s"]/);
});

test("verify status uses nginx's words", () => {
  assert.equal(
    verifyStatus({ authorized: true, authorizationError: undefined, certificate: cert }),
    'SUCCESS',
  );
  assert.equal(verifyStatus({ authorized: false, authorizationError: 'X', certificate: undefined }), 'NONE');
  assert.equal(
    verifyStatus({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED', certificate: cert }),
    'FAILED:CERT_HAS_EXPIRED',
  );
});

test('an unverified certificate is reported but not forwarded', () => {
  const lines = clientCertLines(
    { authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', certificate: cert },
    { mode: 'optional', caPems: [], forwardPem: true },
  );
  assert.equal(lines, 'x-client-verify: FAILED:UNABLE_TO_GET_ISSUER_CERT_LOCALLY\r\n');
});

test('verification failures get a reason an operator can act on', () => {
  assert.equal(clientCertificateFailure('CERT_HAS_EXPIRED').reason, 'client_certificate_expired');
  assert.equal(
    clientCertificateFailure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY').reason,
    'client_certificate_untrusted',
  );
  assert.match(clientCertificateFailure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY').detail, /client_auth\.ca/);
});

test('a wrong key usage or a revocation is rejected in words, never called untrusted', () => {
  const purpose = clientCertificateFailure('INVALID_PURPOSE');
  assert.equal(purpose.reason, 'client_certificate_rejected');
  assert.match(purpose.detail, /key usage or extended key usage .*\(INVALID_PURPOSE\)$/);
  assert.equal(
    clientCertificateFailure('CERT_REVOKED').detail,
    'client certificate rejected: it has been revoked (CERT_REVOKED)',
  );
  assert.equal(
    clientCertificateFailure('SOMETHING_NEW').detail,
    'client certificate rejected: SOMETHING_NEW',
  );
});
