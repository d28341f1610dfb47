import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { ariCertId, ariCertIdFrom, ariPollDelay, parseRenewalInfo } from '../../../../src/certs/acme/ari.ts';
import { issueCertificate } from '../../../../src/certs/issue.ts';

test('certID: the example of RFC 9773 §4.1', () => {
  assert.equal(
    ariCertIdFrom('69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4', '00:87:65:43:21'),
    'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
  );
  // The serial as X509Certificate prints it (no sign byte) gets its DER 00 back.
  assert.equal(
    ariCertIdFrom('69885B6B87464041E1B37B847BA0AE2CDE01C8D4', '87654321'),
    'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
  );
  // A positive serial keeps no superfluous leading zero.
  assert.equal(ariCertIdFrom('01', '0012').split('.')[1], Buffer.from([0x12]).toString('base64url'));
});

test('certID of an issued certificate uses its AKI keyIdentifier and serial; a self-signed one has none', async () => {
  const ca = await issueCertificate({ names: [], subject: 'CN=ari CA', keyType: 'ec', isCa: true });
  const leaf = await issueCertificate({ issuer: ca, names: ['ari.test'], keyType: 'ec' });
  const id = ariCertId(leaf.certPem);
  assert.ok(id);
  const [aki, serial] = id.split('.');
  const x = new crypto.X509Certificate(leaf.certPem);
  // Compared as numbers: DER may pad with 0x00, and Node's hex may start with a 0 digit.
  assert.equal(
    BigInt(`0x${Buffer.from(serial ?? '', 'base64url').toString('hex')}`),
    BigInt(`0x${x.serialNumber}`),
  );
  assert.equal(Buffer.from(aki ?? '', 'base64url').length, 20);
  const selfSigned = await issueCertificate({ names: ['s.test'], keyType: 'ec' });
  assert.equal(ariCertId(selfSigned.certPem), undefined);
  assert.equal(ariCertId('not a certificate'), undefined);
});

test('renewalInfo: a window is parsed; bad windows are refused with a reason', () => {
  const ok = parseRenewalInfo({
    suggestedWindow: { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
    explanationURL: 'https://ca.example/why',
  });
  assert.ok(ok.ok);
  assert.equal(ok.value.window.start.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(ok.value.explanationUrl, 'https://ca.example/why');
  assert.deepEqual(parseRenewalInfo(null), { ok: false, error: 'renewalInfo is not a JSON object' });
  assert.equal(parseRenewalInfo({}).ok, false);
  assert.equal(parseRenewalInfo({ suggestedWindow: { start: 'x', end: 'y' } }).ok, false);
  const inverted = parseRenewalInfo({
    suggestedWindow: { start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' },
  });
  assert.deepEqual(inverted, { ok: false, error: 'suggestedWindow ends before it starts' });
});

test('the next renewalInfo poll follows Retry-After within [1 min, 1 day], 6 h without one', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(ariPollDelay('21600', now), 21_600_000);
  assert.equal(ariPollDelay(undefined, now), 21_600_000);
  assert.equal(ariPollDelay('1', now), 60_000);
  assert.equal(ariPollDelay('999999', now), 86_400_000);
  assert.equal(ariPollDelay('Thu, 01 Jan 2026 02:00:00 GMT', now), 7_200_000);
  assert.equal(ariPollDelay('soon', now), 21_600_000);
});
