// The resumption counters behind the per-minute `resumption_summary` line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addCounts,
  createResumptionStats,
  type ResumptionCounts,
  resumptionSummary,
  startResumptionSummary,
} from '../../../../src/serve/resumption/stats.ts';
import { collectEvents } from '../../../helpers/log-events.ts';

const ZERO: ResumptionCounts = { full: 0, ticket: 0, session_id: 0 };

test('record counts full handshakes and each way of resuming; take() hands them over and resets', () => {
  const stats = createResumptionStats();
  assert.deepEqual(stats.take(), ZERO);
  stats.record(null);
  stats.record('ticket');
  stats.record('ticket');
  stats.record('session_id');
  stats.record(null);
  assert.deepEqual(stats.take(), { full: 2, ticket: 2, session_id: 1 });
  assert.deepEqual(stats.take(), ZERO, 'the next period starts from zero');
  stats.record('ticket');
  assert.deepEqual(stats.take(), { full: 0, ticket: 1, session_id: 0 });
});

test('a taken object is not changed by later records', () => {
  const stats = createResumptionStats();
  stats.record(null);
  const taken = stats.take();
  stats.record(null);
  assert.deepEqual(taken, { full: 1, ticket: 0, session_id: 0 });
});

test('addCounts adds field by field (workers’ counts summed by the primary)', () => {
  assert.deepEqual(
    addCounts({ full: 1, ticket: 2, session_id: 3 }, { full: 10, ticket: 20, session_id: 30 }),
    {
      full: 11,
      ticket: 22,
      session_id: 33,
    },
  );
});

test('the summary event: totals, each way, and the ratio of resumed handshakes', () => {
  assert.deepEqual(resumptionSummary('public', { full: 1, ticket: 2, session_id: 1 }, 60_000), {
    event: 'resumption_summary',
    listener: 'public',
    period_s: 60,
    handshakes: 4,
    full: 1,
    resumed: 3,
    resumed_by_ticket: 2,
    resumed_by_session_id: 1,
    resumption_ratio: 0.75,
  });
  assert.equal(
    resumptionSummary('l', { full: 2, ticket: 1, session_id: 0 }, 60_000)?.['resumption_ratio'],
    0.333,
  );
  assert.equal(
    resumptionSummary('l', { full: 5, ticket: 0, session_id: 0 }, 60_000)?.['resumption_ratio'],
    0,
  );
  assert.equal(
    resumptionSummary('l', { full: 0, ticket: 0, session_id: 7 }, 60_000)?.['resumption_ratio'],
    1,
  );
  assert.equal(resumptionSummary('l', { full: 1, ticket: 0, session_id: 0 }, 10_400)?.['period_s'], 10);
});

test('no summary for a period without handshakes', () => {
  assert.equal(resumptionSummary('public', ZERO, 60_000), undefined);
});

test('startResumptionSummary logs one line per listener with handshakes, every period, nothing for idle ones', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const events = collectEvents();
  const busy = createResumptionStats();
  const idle = createResumptionStats();
  const stop = startResumptionSummary(
    () =>
      new Map([
        ['busy', busy.take()],
        ['idle', idle.take()],
      ]),
    events.log,
    1000,
  );
  busy.record('ticket');
  busy.record(null);
  t.mock.timers.tick(999);
  assert.equal(events.events.length, 0, 'nothing before the period ends');
  t.mock.timers.tick(1);
  assert.deepEqual(
    events.events.map((e) => [e['listener'], e['handshakes'], e['resumption_ratio'], e['period_s']]),
    [['busy', 2, 0.5, 1]],
  );
  t.mock.timers.tick(1000);
  assert.equal(events.events.length, 1, 'an empty period logs nothing');
  busy.record('session_id');
  stop();
  t.mock.timers.tick(5000);
  assert.equal(events.events.length, 1, 'nothing after stop');
});
