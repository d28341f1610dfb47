// The primary's resumption states (memory backend), as generations of workers see them through
// their messages: shared between generations with the same listener settings (a reload costs no
// client a full handshake), separate otherwise, and closed when the last generation lets go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToPrimary, ToWorker } from '../../../../src/serve/cluster/messages.ts';
import {
  createPrimaryStates,
  type GenerationState,
  type PrimaryStates,
} from '../../../../src/serve/cluster/primary-state.ts';
import { decodeTicketKeys } from '../../../../src/state/index.ts';
import { collectEvents } from '../../../helpers/log-events.ts';
import { listenerPlan, planOf, type SessionOverrides } from './plan-fixture.ts';

const ID = new Uint8Array(32).fill(5);
const SESSION = new Uint8Array([0x30, 0x82, 1, 2, 3]);

/** The one reply `m` gets (resolves undefined when none comes within a few turns of the loop). */
async function ask(gen: GenerationState, m: ToPrimary): Promise<ToWorker | undefined> {
  let reply: ToWorker | undefined;
  gen.handle(m, (r) => {
    reply = r;
  });
  for (let i = 0; i < 5 && reply === undefined; i++) await new Promise((r) => setImmediate(r));
  return reply;
}

async function keysOf(gen: GenerationState, listener = 'public'): Promise<string | undefined> {
  const reply = await ask(gen, { type: 'want-keys', listener });
  return reply?.type === 'ticket-keys' ? reply.keys : undefined;
}

async function sessionOf(gen: GenerationState, listener = 'public'): Promise<Uint8Array | undefined> {
  const reply = await ask(gen, { type: 'session-get', seq: 1, listener, id: ID });
  assert.equal(reply?.type, 'session', 'a session-get is always answered');
  return reply?.type === 'session' ? reply.session : undefined;
}

const plan = (o: SessionOverrides = {}, name = 'public') => planOf([listenerPlan(name, o)]);

function states(t: { after(fn: () => Promise<void>): void }): PrimaryStates {
  const s = createPrimaryStates(collectEvents().log, () => {});
  t.after(() => s.close());
  return s;
}

test('two generations with the same listener settings share one state: the same ticket keys, the same sessions', async (t) => {
  const primary = states(t);
  const one = await primary.forPlan(plan());
  const two = await primary.forPlan(plan()); // a reload: another Plan object, same values
  const keys = await keysOf(one);
  assert.ok(keys !== undefined);
  assert.equal(await keysOf(two), keys);
  const decoded = decodeTicketKeys(keys);
  assert.ok(decoded.ok && decoded.value.length >= 1);

  one.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {
    assert.fail('session-set has no reply');
  });
  assert.deepEqual(await sessionOf(one), SESSION);
  assert.deepEqual(
    await sessionOf(two),
    SESSION,
    'a session made under the old generation resumes under the new',
  );
});

test('different session settings, or another listener, get a state of their own', async (t) => {
  const primary = states(t);
  const base = await primary.forPlan(plan());
  const longer = await primary.forPlan(plan({ timeoutMs: 600_000 }));
  const renamed = await primary.forPlan(plan({}, 'other'));
  const keys = await keysOf(base);
  assert.notEqual(await keysOf(longer), keys);
  assert.notEqual(await keysOf(renamed, 'other'), keys);
  base.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {});
  assert.equal(await sessionOf(longer), undefined);
});

test('want-keys is not answered for a listener without tickets or one the generation does not have', async (t) => {
  const primary = states(t);
  const gen = await primary.forPlan(plan({ tickets: false }));
  assert.equal(await ask(gen, { type: 'want-keys', listener: 'public' }), undefined);
  assert.equal(await ask(gen, { type: 'want-keys', listener: 'nope' }), undefined);
});

test('session-get: stored bytes, a miss for an unknown id, and undefined with the cache off', async (t) => {
  const primary = states(t);
  const gen = await primary.forPlan(plan());
  assert.equal(await sessionOf(gen), undefined, 'nothing stored yet');
  gen.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {});
  const reply = await ask(gen, { type: 'session-get', seq: 42, listener: 'public', id: ID });
  assert.deepEqual(reply, { type: 'session', seq: 42, session: SESSION });

  const off = await primary.forPlan(plan({ cache: false }));
  off.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {});
  assert.deepEqual(await ask(off, { type: 'session-get', seq: 7, listener: 'public', id: ID }), {
    type: 'session',
    seq: 7,
    session: undefined,
  });
  assert.deepEqual(
    await ask(gen, { type: 'session-get', seq: 8, listener: 'nope', id: ID }),
    { type: 'session', seq: 8, session: undefined },
    'an unknown listener is a miss, never silence',
  );
});

test('release closes a shared state only when the last generation using it lets go', async (t) => {
  const primary = states(t);
  const one = await primary.forPlan(plan());
  const two = await primary.forPlan(plan());
  const keys = await keysOf(one);
  one.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {});

  await one.release(); // the old generation drained
  assert.deepEqual(await sessionOf(two), SESSION, 'the new generation keeps the state');
  assert.equal(await keysOf(two), keys);
  const three = await primary.forPlan(plan());
  assert.equal(await keysOf(three), keys, 'still shared with a later generation');

  await two.release();
  await three.release();
  assert.equal(await sessionOf(three), undefined, 'released: nothing answers from it');
  const fresh = await primary.forPlan(plan());
  assert.notEqual(await keysOf(fresh), keys, 'a new state, with new keys');
  assert.equal(await sessionOf(fresh), undefined);
});

test('a ticket-key rotation is broadcast under the state’s key, and uses() says which generations it concerns', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_800_000_000_000 });
  const sent: { key: string; message: ToWorker }[] = [];
  const primary = createPrimaryStates(collectEvents().log, (key, message) => sent.push({ key, message }));
  t.after(() => primary.close());
  // Keys issue for 10 s; the ring looks at its schedule every second.
  const gen = await primary.forPlan(plan({ rotateEveryMs: 10_000, timeoutMs: 5_000 }));
  const other = await primary.forPlan(plan({ rotateEveryMs: 20_000, timeoutMs: 5_000 }));
  const before = await keysOf(gen);
  t.mock.timers.tick(9_000);
  assert.equal(sent.length, 0, 'nothing changes before the rotation');
  t.mock.timers.tick(1_000);
  assert.equal(sent.length, 1);
  const { key, message } = sent[0]!;
  assert.equal(gen.uses(key), true);
  assert.equal(other.uses(key), false);
  assert.equal(message.type, 'ticket-keys');
  assert.ok(message.type === 'ticket-keys');
  assert.equal(message.listener, 'public');
  assert.notEqual(message.keys, before);
  assert.equal(message.keys, await keysOf(gen), 'what want-keys answers now');
  const decoded = decodeTicketKeys(message.keys);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.length, 3, 'the previous key (in its overlap), the current one, the next one');
});

// Found while writing these tests: the supervisor's stop() retires every generation in
// `generations`, including one still draining after a reload, whose own retire() is pending; both
// retire() calls then release that generation, and the second release takes the count of a state
// it shares with the current generation to 0, closing it while the current workers still drain.
test('releasing one generation twice does not close a state another generation still uses', async (t) => {
  const primary = states(t);
  const old = await primary.forPlan(plan());
  const current = await primary.forPlan(plan());
  old.handle({ type: 'session-set', listener: 'public', id: ID, session: SESSION }, () => {});
  await old.release();
  await old.release();
  assert.deepEqual(await sessionOf(current), SESSION);
});
