import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificatePair } from '../../../../src/certs/pair.ts';
import {
  applyValidation,
  coverageProblems,
  initialReloadState,
  needsValidation,
  reloadEvent,
} from '../../../../src/certs/reload/decision.ts';
import type { Problem } from '../../../../src/problems.ts';

const pair = (serial: string, sans: string[] = ['a.test']): CertificatePair => ({
  certPath: '/c',
  keyPath: '/k',
  certPem: 'CERT',
  keyPem: '-----BEGIN PRIVATE KEY-----secret',
  keyType: 'ec',
  subject: 'CN=a.test',
  serialNumber: serial,
  notAfter: new Date('2027-01-01T00:00:00Z'),
  sans,
});
const error: Problem = { severity: 'error', path: 'key', message: 'private key does not match', hint: 'h' };
const warning: Problem = { severity: 'warning', path: 'cert', message: 'expires in 5 days', hint: 'h' };

test('only content that is neither served nor already refused is validated', () => {
  const s = { ...initialReloadState('f1', 'S1'), refused: 'f2' };
  assert.equal(needsValidation(s, 'f1'), false);
  assert.equal(needsValidation(s, 'f2'), false);
  assert.equal(needsValidation(s, 'f3'), true);
  assert.equal(needsValidation(initialReloadState(), 'f1'), true);
});

test('a valid pair becomes the served one; its warnings travel with it', () => {
  const { state, outcome } = applyValidation(initialReloadState('f1', 'S1'), 'f2', {
    pair: pair('S2'),
    problems: [warning],
  });
  assert.deepEqual(state, { served: 'f2', servedSerial: 'S2', refused: undefined });
  assert.equal(outcome.kind, 'reloaded');
  assert.equal(outcome.kind === 'reloaded' && outcome.previousSerial, 'S1');
  assert.deepEqual(outcome.kind === 'reloaded' && outcome.warnings, [warning]);
});

test('a pair with errors is refused and remembered; the served one stays', () => {
  const { state, outcome } = applyValidation(initialReloadState('f1', 'S1'), 'f2', {
    problems: [error, warning],
  });
  assert.deepEqual(state, { served: 'f1', servedSerial: 'S1', refused: 'f2' });
  assert.deepEqual(outcome, { kind: 'refused', problems: [error], keptSerial: 'S1' });
});

test('a pair that no longer covers a host is refused', () => {
  const { outcome } = applyValidation(
    initialReloadState('f1', 'S1'),
    'f2',
    { pair: pair('S2'), problems: [] },
    ['a.test', 'b.test'],
  );
  assert.equal(outcome.kind, 'refused');
  assert.match(
    outcome.kind === 'refused' ? (outcome.problems[0]?.message ?? '') : '',
    /does not cover 'b\.test'/,
  );
  assert.deepEqual(coverageProblems(['x.a.test'], ['*.a.test']), []);
  assert.equal(coverageProblems(['a.test'], ['*.a.test']).length, 1);
});

test('log events name the serials and never carry key material', () => {
  const reloaded = reloadEvent(
    { kind: 'reloaded', pair: pair('S2'), previousSerial: 'S1', warnings: [warning] },
    { certPath: '/c', keyPath: '/k', id: 'listeners[0].sites[0].certificates[0]' },
  );
  assert.equal(reloaded['event'], 'certificate_reloaded');
  assert.equal(reloaded['serial'], 'S2');
  assert.equal(reloaded['previous_serial'], 'S1');
  assert.deepEqual(reloaded['warnings'], ['expires in 5 days']);
  assert.doesNotMatch(JSON.stringify(reloaded), /PRIVATE KEY|secret/);
  const refused = reloadEvent(
    { kind: 'refused', problems: [error], keptSerial: 'S1' },
    { certPath: '/c', keyPath: '/k' },
  );
  assert.equal(refused['event'], 'certificate_reload_refused');
  assert.equal(refused['level'], 'error');
  assert.equal(refused['kept_serial'], 'S1');
});
