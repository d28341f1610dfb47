import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openResumptionState, RESUMPTION_DEFAULTS, resumptionProblems } from '../../../src/state/index.ts';

test('the defaults are valid; nonsense is named', () => {
  assert.deepEqual(resumptionProblems(RESUMPTION_DEFAULTS), []);
  const problems = resumptionProblems({
    sessionCache: { enabled: true, maxEntries: 0, timeoutMs: 10 },
    tickets: { enabled: true, rotateEveryMs: Number.NaN, overlapMs: -1 },
  });
  assert.equal(problems.length, 4);
  assert.match(
    problems.join('\n'),
    /cache size 0.*\n.*timeout 10 ms.*\n.*rotation every NaN.*\n.*overlap -1/,
  );
});

test('opening refuses bad settings and bad URLs with coded errors', async () => {
  await assert.rejects(
    openResumptionState({
      resumption: { ...RESUMPTION_DEFAULTS, tickets: { ...RESUMPTION_DEFAULTS.tickets, rotateEveryMs: 0 } },
      state: { backend: 'memory' },
      log: () => {},
    }),
    { code: 'TLSTERM_ERR_RESUMPTION' },
  );
  await assert.rejects(
    openResumptionState({
      resumption: RESUMPTION_DEFAULTS,
      state: { backend: 'redis', url: 'http://user:hunter2@cache' },
      log: () => {},
    }),
    (err: Error & { code?: string }) =>
      err.code === 'TLSTERM_ERR_STATE_URL' && !err.message.includes('hunter2'),
  );
});

test('memory backend: a store and a ring, or neither when switched off', async () => {
  const state = await openResumptionState({
    resumption: RESUMPTION_DEFAULTS,
    state: { backend: 'memory' },
    log: () => {},
  });
  assert.ok(state.sessions);
  assert.ok(state.ring);
  assert.equal(state.ring.keys().length, 2);
  await state.close();
  const off = await openResumptionState({
    resumption: {
      sessionCache: { ...RESUMPTION_DEFAULTS.sessionCache, enabled: false },
      tickets: { ...RESUMPTION_DEFAULTS.tickets, enabled: false },
    },
    state: { backend: 'memory' },
    log: () => {},
  });
  assert.equal(off.sessions, undefined);
  assert.equal(off.ring, undefined);
});
