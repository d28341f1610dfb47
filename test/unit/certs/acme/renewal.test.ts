import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  issueReason,
  type LineageFacts,
  lifetimeRenewalAt,
  pickInWindow,
  planRenewal,
} from '../../../../src/certs/acme/renewal.ts';

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const facts = (over: Partial<LineageFacts> = {}): LineageFacts => ({
  notBefore: t0,
  notAfter: new Date(t0.getTime() + 90 * DAY),
  serialNumber: '01',
  sans: ['a.test', 'www.a.test'],
  selfSigned: false,
  keyMatches: true,
  ...over,
});

test('an order is needed at once without a real certificate for every host', () => {
  const now = new Date(t0.getTime() + DAY);
  assert.equal(issueReason(undefined, ['a.test'], now), 'no-certificate');
  assert.equal(issueReason(facts({ selfSigned: true }), ['a.test'], now), 'placeholder');
  assert.equal(issueReason(facts({ keyMatches: false }), ['a.test'], now), 'key-mismatch');
  assert.equal(issueReason(facts(), ['a.test', 'new.a.test'], now), 'hosts-changed');
  assert.equal(issueReason(facts(), ['a.test'], new Date(t0.getTime() + 91 * DAY)), 'expired');
  assert.equal(issueReason(facts(), ['a.test', 'www.a.test'], now), undefined);
});

test('without ARI: one third of the lifetime left (day 60 of 90)', () => {
  const f = facts();
  assert.equal(lifetimeRenewalAt(f.notBefore, f.notAfter).getTime(), t0.getTime() + 60 * DAY);
  const plan = planRenewal({ notBefore: f.notBefore, notAfter: f.notAfter });
  assert.deepEqual(plan, { at: new Date(t0.getTime() + 60 * DAY), source: 'lifetime' });
});

test('with ARI: a uniformly random time inside the window, kept while the window stays the same', () => {
  const f = facts();
  const window = { start: new Date(t0.getTime() + 50 * DAY), end: new Date(t0.getTime() + 52 * DAY) };
  assert.equal(pickInWindow(window, () => 0).getTime(), window.start.getTime());
  assert.equal(pickInWindow(window, () => 0.5).getTime(), t0.getTime() + 51 * DAY);
  const plan = planRenewal({ notBefore: f.notBefore, notAfter: f.notAfter, window, random: () => 0.25 });
  assert.equal(plan.source, 'ari');
  assert.equal(plan.at.getTime(), window.start.getTime() + DAY / 2);
  const again = planRenewal({
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    window,
    previous: plan,
    random: () => 0.9,
  });
  assert.equal(again, plan, 'the same window does not roll the dice again');
  const moved = { start: new Date(t0.getTime() + DAY), end: new Date(t0.getTime() + 2 * DAY) };
  const replanned = planRenewal({
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    window: moved,
    previous: plan,
    random: () => 0,
  });
  assert.equal(
    replanned.at.getTime(),
    moved.start.getTime(),
    'a CA moving the window (revocation) is followed',
  );
});

test('an empty or inverted ARI window falls back to the lifetime rule', () => {
  const f = facts();
  const empty = { start: new Date(t0.getTime() + DAY), end: new Date(t0.getTime() + DAY) };
  assert.equal(
    planRenewal({ notBefore: f.notBefore, notAfter: f.notAfter, window: empty }).source,
    'lifetime',
  );
});
