// A worker's resumption state, fed by the primary over IPC: here a fake channel that records what
// the worker sends and delivers what the primary would answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ToPrimary, ToWorker } from '../../../../src/serve/cluster/messages.ts';
import { type WorkerChannel, workerResumption } from '../../../../src/serve/cluster/worker-resumption.ts';
import type { ResumptionState } from '../../../../src/state/index.ts';
import { encodeTicketKeys, generateTicketKey, type TicketKey } from '../../../../src/state/index.ts';
import { listenerPlan, planOf, type SessionOverrides } from './plan-fixture.ts';

interface FakeChannel extends WorkerChannel {
  readonly sent: ToPrimary[];
  /** The primary says `m`. */
  deliver(m: ToWorker): void;
}

function fakeChannel(): FakeChannel {
  const sent: ToPrimary[] = [];
  const listeners = new Set<(m: ToWorker) => void>();
  return {
    sent,
    send: (m) => {
      sent.push(m);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliver(m) {
      for (const l of [...listeners]) l(m);
    },
  };
}

const HOUR = 3_600_000;
const keySet = (...keys: TicketKey[]): ToWorker => ({
  type: 'ticket-keys',
  listener: 'public',
  keys: encodeTicketKeys(keys),
});

/** Whether `p` has settled, after letting pending callbacks run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

/** Open the state of listener `public` with the given settings; keys delivered when tickets are on. */
async function open(
  channel: FakeChannel,
  o: SessionOverrides,
  keys: TicketKey[] = [generateTicketKey(Date.now() - HOUR)],
): Promise<ResumptionState> {
  const listener = listenerPlan('public', o);
  const opening = workerResumption(channel)(listener, planOf([listener]));
  if (o.tickets !== false) channel.deliver(keySet(...keys));
  return opening;
}

describe('ticket keys', () => {
  test('the worker asks for its listener’s keys and starts from the set the primary sends', async () => {
    const channel = fakeChannel();
    const listener = listenerPlan('public');
    const opening = workerResumption(channel)(listener, planOf([listener]));
    assert.deepEqual(channel.sent, [{ type: 'want-keys', listener: 'public' }]);
    const k1 = generateTicketKey(Date.now() - HOUR);
    channel.deliver({
      type: 'ticket-keys',
      listener: 'other',
      keys: encodeTicketKeys([generateTicketKey(0)]),
    });
    assert.equal(await settled(opening), false, 'another listener’s keys do not start this one');
    channel.deliver(keySet(k1));
    const state = await opening;
    assert.ok(state.ring);
    assert.equal(state.ring.current().nameHex, k1.nameHex);
    assert.deepEqual(
      state.ring.keys().map((k) => k.nameHex),
      [k1.nameHex],
    );
  });

  test('later key sets replace the ring’s (a rotation reaches the worker); the old key keeps decrypting', async () => {
    const channel = fakeChannel();
    const k1 = generateTicketKey(Date.now() - HOUR);
    const state = await open(channel, {}, [k1]);
    const ring = state.ring;
    assert.ok(ring);
    const seen: string[][] = [];
    ring.subscribe((keys) => seen.push(keys.map((k) => k.nameHex)));
    const k2 = generateTicketKey(Date.now() - 1000);
    const k3 = generateTicketKey(Date.now() + HOUR);
    channel.deliver(keySet(k1, k2, k3));
    assert.equal(ring.current().nameHex, k2.nameHex, 'k2 issues now');
    assert.equal(ring.byName(k1.name)?.nameHex, k1.nameHex, 'k1 still decrypts (overlap)');
    assert.deepEqual(seen, [[k1.nameHex, k2.nameHex, k3.nameHex]]);
  });

  test('a key set that does not decode is ignored; the ring keeps its keys', async () => {
    const channel = fakeChannel();
    const k1 = generateTicketKey(Date.now() - HOUR);
    const state = await open(channel, {}, [k1]);
    channel.deliver({ type: 'ticket-keys', listener: 'public', keys: '{"v":1,"keys":[]}' });
    channel.deliver({ type: 'ticket-keys', listener: 'public', keys: 'garbage' });
    assert.equal(state.ring?.current().nameHex, k1.nameHex);
  });

  test('a first key set that does not decode fails the start with the decoder’s words', async () => {
    const channel = fakeChannel();
    const listener = listenerPlan('public');
    const opening = workerResumption(channel)(listener, planOf([listener]));
    channel.deliver({ type: 'ticket-keys', listener: 'public', keys: '{"v":2,"keys":[]}' });
    await assert.rejects(opening, /ticket keys from the primary: ticket key set version 2/);
  });

  test('no keys from the primary within 10 s fails the start', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const channel = fakeChannel();
    const listener = listenerPlan('public');
    const opening = workerResumption(channel)(listener, planOf([listener]));
    t.mock.timers.tick(9_999);
    assert.equal(await settled(opening), false);
    t.mock.timers.tick(1);
    await assert.rejects(opening, /no ticket keys from the primary for listener public/);
  });

  test('tickets off: no ring, and nothing asked', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    assert.equal(state.ring, undefined);
    assert.deepEqual(channel.sent, []);
    assert.ok(state.sessions, 'the session cache is still there');
  });

  test('after close, key sets no longer reach the closed ring', async () => {
    const channel = fakeChannel();
    const k1 = generateTicketKey(Date.now() - HOUR);
    const state = await open(channel, {}, [k1]);
    await state.close();
    channel.deliver(keySet(k1, generateTicketKey(Date.now() - 1000)));
    assert.equal(state.ring?.current().nameHex, k1.nameHex);
  });
});

describe('sessions', () => {
  const id = new Uint8Array(32).fill(7);
  const bytes = new Uint8Array([1, 2, 3, 4]);

  test('a get asks the primary and resolves with its answer, matched by sequence number', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    const sessions = state.sessions;
    assert.ok(sessions);
    const first = sessions.get(id);
    const second = sessions.get(new Uint8Array(32).fill(8));
    await new Promise((r) => setImmediate(r)); // the worker's own memory is asked first
    const asks = channel.sent.filter((m) => m.type === 'session-get');
    assert.equal(asks.length, 2);
    const [a, b] = asks;
    assert.ok(a?.type === 'session-get' && b?.type === 'session-get');
    assert.equal(a.listener, 'public');
    assert.deepEqual(a.id, id);
    assert.notEqual(a.seq, b.seq);
    // Answered out of order: each get gets its own answer.
    channel.deliver({ type: 'session', seq: b.seq, session: undefined });
    channel.deliver({ type: 'session', seq: a.seq, session: bytes });
    assert.deepEqual(await first, bytes);
    assert.equal(await second, undefined);
  });

  test('a get the primary does not answer within 100 ms is a miss; a late answer is ignored', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    const getting = state.sessions?.get(id);
    assert.ok(getting);
    await settled(Promise.resolve()); // past the worker's own memory, to the primary
    t.mock.timers.tick(99);
    assert.equal(await settled(getting), false, 'still waiting at 99 ms');
    t.mock.timers.tick(1);
    assert.equal(await getting, undefined, 'a miss: the handshake goes on as a full one');
    const ask = channel.sent.find((m) => m.type === 'session-get');
    assert.ok(ask?.type === 'session-get');
    assert.doesNotThrow(() => channel.deliver({ type: 'session', seq: ask.seq, session: bytes }));
  });

  test('a set is sent to the primary with the listener, the id and the session', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    await state.sessions?.set(id, bytes);
    assert.deepEqual(channel.sent, [{ type: 'session-set', listener: 'public', id, session: bytes }]);
  });

  test('a session this worker stored resumes from its own memory, without asking the primary', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    await state.sessions?.set(id, bytes);
    assert.deepEqual(await state.sessions?.get(id), bytes);
    assert.equal(channel.sent.filter((m) => m.type === 'session-get').length, 0);
  });

  test('a session fetched from the primary is kept: the next get of it stays in the worker', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { tickets: false });
    const first = state.sessions?.get(id);
    await new Promise((r) => setImmediate(r));
    const ask = channel.sent.find((m) => m.type === 'session-get');
    assert.ok(ask?.type === 'session-get');
    channel.deliver({ type: 'session', seq: ask.seq, session: bytes });
    assert.deepEqual(await first, bytes);
    assert.deepEqual(await state.sessions?.get(id), bytes);
    assert.equal(channel.sent.filter((m) => m.type === 'session-get').length, 1, 'asked once');
  });

  test('cache off: no session store, so nothing is stored or asked', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { cache: false });
    assert.equal(state.sessions, undefined);
    assert.deepEqual(
      channel.sent.map((m) => m.type),
      ['want-keys'],
    );
    assert.ok(state.ring, 'tickets still on');
  });

  test('cache and tickets off: nothing at all', async () => {
    const channel = fakeChannel();
    const state = await open(channel, { cache: false, tickets: false });
    assert.equal(state.sessions, undefined);
    assert.equal(state.ring, undefined);
    assert.deepEqual(channel.sent, []);
  });
});
