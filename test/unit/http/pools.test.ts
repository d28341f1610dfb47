// Pools without sockets: the hash ring's stability (the share of keys that move when a server is
// added or removed, against modulo hashing), smooth weighted round robin's counts and order, least
// connections, slow start, the retry budget, and the health authority's rise/fall and ejection.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_PASSIVE,
  HashRing,
  HealthAuthority,
  type HealthChange,
  hash32,
  type PoolPlan,
  RetryBudget,
  ServerPool,
} from '../../../src/http/pools/index.ts';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
const names = (n: number) => Array.from({ length: n }, (_, i) => `http://10.0.0.${i + 1}:8080/`);
const all = () => true;

const moved = (before: (k: string) => number, after: (k: string) => number): number =>
  KEYS.filter((k) => before(k) !== after(k)).length / KEYS.length;

describe('hash ring', () => {
  test('adding a 5th server moves about 1/5 of the keys; modulo hashing moves most of them', () => {
    const r4 = new HashRing(names(4), [1, 1, 1, 1]);
    const r5 = new HashRing(names(5), [1, 1, 1, 1, 1]);
    const ring = moved(
      (k) => r4.pick(k, all),
      (k) => r5.pick(k, all),
    );
    const modulo = moved(
      (k) => hash32(k) % 4,
      (k) => hash32(k) % 5,
    );
    assert.ok(ring > 0.12 && ring < 0.28, `ring moved ${ring}`);
    assert.ok(modulo > 0.7, `modulo moved ${modulo}`);
    // Every key that moved went to the new server.
    for (const k of KEYS) {
      const a = r4.pick(k, all);
      const b = r5.pick(k, all);
      if (a !== b) assert.equal(b, 4);
    }
  });

  test('removing (or skipping a down) server moves only its keys', () => {
    const r = new HashRing(names(4), [1, 1, 1, 1]);
    for (const k of KEYS) {
      const a = r.pick(k, all);
      const b = r.pick(k, (s) => s !== 2);
      if (a !== 2) assert.equal(b, a);
      else assert.notEqual(b, 2);
    }
  });

  test('weights shape the share of keys', () => {
    const r = new HashRing(names(2), [3, 1]);
    const first = KEYS.filter((k) => r.pick(k, all) === 0).length / KEYS.length;
    assert.ok(first > 0.68 && first < 0.82, `share ${first}`);
  });
});

const pool = (over: Partial<PoolPlan> = {}, weights = [5, 1, 1]): PoolPlan => ({
  name: 'p',
  servers: weights.map((weight, i) => ({
    weight,
    upstream: {
      url: new URL(`http://127.0.0.1:${9001 + i}`),
      connectTimeoutMs: 1000,
      responseTimeoutMs: 1000,
    },
  })),
  balance: 'round_robin',
  passive: DEFAULT_PASSIVE,
  slowStartMs: 0,
  retries: 1,
  retryBudgetPercent: 20,
  timeouts: { connectMs: 1000, responseHeaderMs: 1000, idleMs: 1000, totalMs: 0 },
  ...over,
});

describe('balancers', () => {
  test('smooth weighted round robin: 5,1,1 gives a a b a c a a (interleaved, exact counts)', () => {
    const p = new ServerPool(pool(), null);
    const seq = Array.from({ length: 7 }, () => p.pick('', null)!.index);
    assert.deepEqual(seq, [0, 0, 1, 0, 2, 0, 0]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 700; i++) counts[p.pick('', null)!.index]!++;
    assert.deepEqual(counts, [500, 100, 100]);
    p.close();
  });

  test('a down server gets nothing; none up is null (the circuit)', () => {
    const p = new ServerPool(pool(), null);
    p.apply({ pool: 'p', server: 0, up: false, reason: 'test' });
    const counts = [0, 0, 0];
    for (let i = 0; i < 100; i++) counts[p.pick('', null)!.index]!++;
    assert.deepEqual(counts, [0, 50, 50]);
    p.apply({ pool: 'p', server: 1, up: false, reason: 'test' });
    p.apply({ pool: 'p', server: 2, up: false, reason: 'test' });
    assert.equal(p.pick('', null), null);
    p.close();
  });

  test('least_conn prefers the server with fewest requests in flight per weight', () => {
    const p = new ServerPool(pool({ balance: 'least_conn' }, [1, 1, 1]), null);
    p.servers[0]!.active = 3;
    p.servers[1]!.active = 1;
    p.servers[2]!.active = 2;
    assert.equal(p.pick('', null)!.index, 1);
    assert.equal(p.pick('', p.servers[1]!)!.index, 2);
    p.close();
  });

  test('slow start: a recovered server ramps from 10% of its weight to all of it', () => {
    const p = new ServerPool(pool({ slowStartMs: 10_000 }, [1, 1]), null);
    p.apply({ pool: 'p', server: 1, up: false, reason: 'x' }, 0);
    p.apply({ pool: 'p', server: 1, up: true, reason: 'x' }, 1000);
    const share = (now: number) => {
      let n = 0;
      for (let i = 0; i < 1000; i++) if (p.pick('', null, now)!.index === 1) n++;
      return n / 1000;
    };
    assert.ok(share(1000) < 0.12, `at once: ${share(1000)}`);
    assert.ok(Math.abs(share(6000) - 1 / 3) < 0.05, 'halfway: weight 0.5 of 1');
    assert.ok(Math.abs(share(20_000) - 0.5) < 0.01, 'after slow_start: its full weight');
    p.close();
  });
});

test('retry budget: retries ≤ budget% of requests over the window, with a floor of 3', () => {
  const b = new RetryBudget(20, 10_000, 3);
  let now = 1;
  for (let i = 0; i < 100; i++) b.request(now);
  let ok = 0;
  for (let i = 0; i < 50; i++) if (b.tryRetry(now)) ok++;
  assert.equal(ok, 20);
  now += 11_000; // the window has passed
  assert.equal(b.tryRetry(now), true);
  assert.equal(b.tryRetry(now), true);
  assert.equal(b.tryRetry(now), true);
  assert.equal(b.tryRetry(now), false, 'no requests in the window: the floor only');
});

describe('health authority', () => {
  test('passive: `failures` within the window eject for the cool-down, then the server is back', async () => {
    const changes: HealthChange[] = [];
    const events: string[] = [];
    let now = 0;
    const a = new HealthAuthority([pool({ passive: { failures: 3, windowMs: 1000, cooldownMs: 50 } })], {
      emit: (c) => changes.push(...c),
      log: (e) => events.push(e.event),
      now: () => now,
    });
    a.passive('p', 1, 'ECONNREFUSED');
    now = 2000; // outside the window: the first one no longer counts
    a.passive('p', 1, 'ECONNREFUSED');
    a.passive('p', 1, 'ECONNREFUSED');
    assert.equal(changes.length, 0);
    a.passive('p', 1, 'HTTP_502');
    assert.deepEqual(
      changes.map((c) => [c.server, c.up]),
      [[1, false]],
    );
    assert.deepEqual(
      a.snapshot().map((c) => c.server),
      [1],
    );
    now = 2100;
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(
      changes.map((c) => [c.server, c.up]),
      [
        [1, false],
        [1, true],
      ],
    );
    assert.deepEqual(events, ['upstream_ejected', 'upstream_up']);
    a.stop();
  });

  test('active: down after `fall` failed checks, up after `rise` good ones', async () => {
    const changes: HealthChange[] = [];
    let healthy = true;
    const a = new HealthAuthority(
      [
        pool(
          {
            health: {
              path: '/h',
              intervalMs: 5,
              timeoutMs: 2,
              expectLow: 200,
              expectHigh: 399,
              rise: 2,
              fall: 3,
            },
          },
          [1],
        ),
      ],
      {
        emit: (c) => changes.push(...c),
        log: () => {},
        probe: async () => ({ ok: healthy, detail: healthy ? 'status 200' : 'ECONNREFUSED' }),
      },
    );
    a.start();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(changes.length, 0);
    healthy = false;
    const until = async (n: number) => {
      for (let i = 0; i < 200 && changes.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await until(1);
    assert.deepEqual(
      changes.map((c) => c.up),
      [false],
    );
    assert.match(changes[0]!.reason, /failed 3 times \(ECONNREFUSED\)/);
    healthy = true;
    await until(2);
    assert.deepEqual(
      changes.map((c) => c.up),
      [false, true],
    );
    a.stop();
  });
});
