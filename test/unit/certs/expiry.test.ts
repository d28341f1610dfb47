import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ExpiryInput,
  expiryFinding,
  expiryFindings,
  formatExpiryFindings,
  startExpiryChecks,
} from '../../../src/certs/expiry.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const cert = (id: string, daysLeft: number, source?: ExpiryInput['source']): ExpiryInput => ({
  id,
  subject: `CN=${id}`,
  serialNumber: 'AB01',
  notAfter: new Date(now.getTime() + daysLeft * DAY),
  ...(source ? { source } : {}),
});

test('more than 14 days left: nothing to say', () => {
  assert.equal(expiryFinding(cert('a', 14), now), undefined);
  assert.equal(expiryFinding(cert('a', 90), now), undefined);
});

test('fewer than 14 days left is a warning, fewer than 3 an error, expired an error', () => {
  assert.equal(expiryFinding(cert('a', 13.9), now)?.severity, 'warning');
  assert.equal(expiryFinding(cert('a', 3), now)?.severity, 'warning');
  assert.equal(expiryFinding(cert('a', 2.9), now)?.severity, 'error');
  const expired = expiryFinding(cert('a', -1), now);
  assert.equal(expired?.severity, 'error');
  assert.match(expired?.message ?? '', /expired on 2026-05-31/);
});

test('the message gives days left and the date; the hint depends on where the certificate comes from', () => {
  const f = expiryFinding(cert('site', 5.5), now);
  assert.equal(f?.daysLeft, 5);
  assert.equal(f?.message, 'certificate CN=site (serial AB01) expires in 5 days, on 2026-06-06');
  assert.match(f?.hint ?? '', /certbot renew/);
  assert.match(expiryFinding(cert('a', 1, 'acme'), now)?.hint ?? '', /certificate_renewal_failed/);
  assert.match(expiryFinding(cert('a', 1, 'local-ca'), now)?.hint ?? '', /restart tlsterm/);
  assert.match(expiryFinding(cert('a', 0.5), now)?.message ?? '', /expires in less than a day/);
});

test('findings come errors first, soonest first; the formatted text names each id', () => {
  const findings = expiryFindings(
    [cert('late', 10), cert('ok', 60), cert('soon', 2), cert('sooner', 1)],
    now,
  );
  assert.deepEqual(
    findings.map((f) => f.id),
    ['sooner', 'soon', 'late'],
  );
  assert.match(formatExpiryFindings(findings), /^sooner {2}error: certificate CN=sooner/);
});

test('the scheduler checks at once and logs one certificate_expiry event per finding', () => {
  const events: Record<string, unknown>[] = [];
  const check = startExpiryChecks({
    certificates: () => [cert('a', 2), cert('b', 30)],
    log: (e) => events.push(e),
    now: () => now,
    intervalMs: 3_600_000,
  });
  try {
    assert.equal(events.length, 1);
    assert.equal(events[0]?.['event'], 'certificate_expiry');
    assert.equal(events[0]?.['level'], 'error');
    assert.equal(events[0]?.['days_left'], 2);
    check.run();
    assert.equal(events.length, 2);
  } finally {
    check.stop();
  }
});
