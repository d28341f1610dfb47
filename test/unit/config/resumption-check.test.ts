// check's reading of the listener `session:` block and the top-level `state:`, `workers:` and
// `drain_timeout:` keys: the settings serve runs on, and the Problems a user sees for what cannot work.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkConfigText } from '../../../src/config/index.ts';
import type { Problem } from '../../../src/problems.ts';
import { parseRedisUrl } from '../../../src/state/index.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('resumption-check');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

/** A valid config with `top` above `listeners:` and `session` (YAML flow text) on its listener. */
const configText = (opts: { session?: string; top?: string } = {}) => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
${opts.top ?? ''}
listeners:
  - name: public
    address: 127.0.0.1:0
${opts.session !== undefined ? `    session: ${opts.session}\n` : ''}    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;

const check = (opts: { session?: string; top?: string } = {}) =>
  checkConfigText(configText(opts), path.join(tmp.dir, 'tlsterm.yaml'));

const show = (problems: readonly Problem[]) => JSON.stringify(problems, null, 1);
const errors = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'error');
const warnings = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'warning');

function at(problems: readonly Problem[], where: string, words: RegExp): Problem {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(hit, `no problem at ${where} matching ${words}; got ${show(problems)}`);
  return hit;
}

const MINUTE = 60_000;

describe('listener session:', () => {
  test('absent: cache on with 20000 sessions for 5m, tickets on, rotation 1h, overlap = timeout', async () => {
    const r = await check();
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.plan?.listeners[0]?.resumption, {
      sessionCache: { enabled: true, maxEntries: 20_000, timeoutMs: 5 * MINUTE },
      tickets: { enabled: true, rotateEveryMs: 60 * MINUTE, overlapMs: 5 * MINUTE },
    });
  });

  test('every knob is read; the overlap follows the timeout', async () => {
    const r = await check({
      session: '{ cache: false, cache_size: 500, timeout: 1h, tickets: true, ticket_rotation: 12h }',
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.plan?.listeners[0]?.resumption, {
      sessionCache: { enabled: false, maxEntries: 500, timeoutMs: 60 * MINUTE },
      tickets: { enabled: true, rotateEveryMs: 12 * 60 * MINUTE, overlapMs: 60 * MINUTE },
    });
  });

  test('a partial block keeps the defaults of the keys it does not set', async () => {
    const r = await check({ session: '{ tickets: false, timeout: 90s }' });
    assert.deepEqual(r.problems, []);
    const s = r.plan?.listeners[0]?.resumption;
    assert.equal(s?.sessionCache.enabled, true);
    assert.equal(s?.sessionCache.maxEntries, 20_000);
    assert.equal(s?.sessionCache.timeoutMs, 90_000);
    assert.equal(s?.tickets.enabled, false);
    assert.equal(s?.tickets.rotateEveryMs, 60 * MINUTE);
    assert.equal(s?.tickets.overlapMs, 90_000);
  });

  test('a timeout above 7 days is an error citing RFC 8446', async () => {
    const r = await check({ session: '{ timeout: 169h }' });
    assert.equal(r.plan, undefined);
    const p = at(r.problems, 'listeners[0].session.timeout', /at most 7 days \(RFC 8446 §4\.6\.1\)/);
    assert.equal(p.severity, 'error');
    assert.match(p.hint, /7 days or less/);
    // Exactly 7 days is allowed.
    assert.deepEqual(errors((await check({ session: '{ timeout: 168h }' })).problems), []);
  });

  test('cache_size 0 is an error', async () => {
    const r = await check({ session: '{ cache_size: 0 }' });
    assert.equal(r.plan, undefined);
    const p = at(r.problems, 'listeners[0].session.cache_size', /cache_size must be at least 1/);
    assert.equal(p.severity, 'error');
  });

  test('a rotation below 1 s is an error', async () => {
    const r = await check({ session: '{ ticket_rotation: 500ms }' });
    assert.equal(r.plan, undefined);
    const p = at(r.problems, 'listeners[0].session', /ticket key rotation every 500 ms \(at least 1 s\)/);
    assert.equal(p.severity, 'error');
  });

  test('a timeout of 0 is an error', async () => {
    const r = await check({ session: '{ timeout: 0 }' });
    assert.equal(r.plan, undefined);
    at(r.problems, 'listeners[0].session', /session timeout 0 ms \(at least 1 s\)/);
  });

  test('an unknown key says which one was meant', async () => {
    const r = await check({ session: '{ ticket_rotaton: 1h }' });
    assert.equal(r.plan, undefined);
    const p = at(
      r.problems,
      'listeners[0].session.ticket_rotaton',
      /unknown key 'ticket_rotaton'; did you mean 'ticket_rotation'\?/,
    );
    assert.match(p.hint, /cache, cache_size, timeout, tickets, ticket_rotation/);
  });

  test('cache and tickets both off: a warning (every handshake is full), still a plan', async () => {
    const r = await check({ session: '{ cache: false, tickets: false }' });
    assert.ok(r.plan, show(r.problems));
    const p = at(r.problems, 'listeners[0].session', /both off: every connection pays a full handshake/);
    assert.equal(p.severity, 'warning');
    assert.deepEqual(errors(r.problems), []);
  });

  test('one of them off is no problem', async () => {
    assert.deepEqual((await check({ session: '{ cache: false }' })).problems, []);
    assert.deepEqual((await check({ session: '{ tickets: false }' })).problems, []);
  });
});

describe('state:', () => {
  test('absent: memory', async () => {
    const r = await check();
    assert.deepEqual(r.plan?.state, { backend: 'memory' });
  });

  test('memory with redis-only keys: a warning per key', async () => {
    const r = await check({ top: 'state: { backend: memory, url: "redis://127.0.0.1:6379", prefix: "x:" }' });
    assert.deepEqual(r.plan?.state, { backend: 'memory' });
    at(r.problems, 'state.url', /only used with backend: redis/);
    at(r.problems, 'state.prefix', /only used with backend: redis/);
    assert.equal(warnings(r.problems).length, 2, show(r.problems));
  });

  test('redis without url is an error', async () => {
    const r = await check({ top: 'state: { backend: redis }' });
    assert.equal(r.plan, undefined);
    const p = at(r.problems, 'state', /backend redis needs a url/);
    assert.equal(p.severity, 'error');
    assert.match(p.hint, /redis:\/\/127\.0\.0\.1:6379/);
  });

  test("a bad url is an error in the URL parser's words, with the password masked", async () => {
    for (const url of ['http://127.0.0.1:6379', 'redis://127.0.0.1:6379/?db=2', 'not a url']) {
      const r = await check({ top: `state: { backend: redis, url: "${url}" }` });
      assert.equal(r.plan, undefined);
      const parsed = parseRedisUrl(url);
      assert.equal(parsed.ok, false);
      const p = at(r.problems, 'state.url', /./);
      assert.equal(p.severity, 'error');
      assert.equal(p.message, parsed.ok ? '' : parsed.error);
    }
    const secret = await check({
      top: 'state: { backend: redis, url: "redis://u:s3cret@10.0.0.5:6379/abc" }',
    });
    const p = at(secret.problems, 'state.url', /database "abc"/);
    assert.doesNotMatch(p.message, /s3cret/);
    assert.match(p.message, /\*\*\*/);
  });

  test('a password in the url: a warning that does not repeat the password', async () => {
    const r = await check({
      top: 'state: { backend: redis, url: "redis://tlsterm:s3cret@127.0.0.1:6379/0" }',
    });
    assert.ok(r.plan, show(r.problems));
    const p = at(r.problems, 'state.url', /password is written in the config file/);
    assert.equal(p.severity, 'warning');
    assert.match(p.hint, /chmod 600|ACL user/);
    for (const problem of r.problems) assert.doesNotMatch(`${problem.message} ${problem.hint}`, /s3cret/);
  });

  test('plain redis:// to another host: a warning to use rediss://; loopback hosts are fine', async () => {
    const r = await check({ top: 'state: { backend: redis, url: "redis://redis.internal:6379" }' });
    assert.ok(r.plan, show(r.problems));
    const p = at(r.problems, 'state.url', /go to redis\.internal unencrypted/);
    assert.equal(p.severity, 'warning');
    assert.match(p.hint, /rediss:\/\//);
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      const local = await check({ top: `state: { backend: redis, url: "redis://${host}:6379" }` });
      assert.deepEqual(local.problems, [], host);
    }
    const tls = await check({ top: 'state: { backend: redis, url: "rediss://redis.internal:6380" }' });
    assert.deepEqual(tls.problems, []);
  });

  test('ca with redis:// is a warning (it is for rediss://)', async () => {
    const r = await check({
      top: `state: { backend: redis, url: "redis://127.0.0.1:6379", ca: ${pki.rootPath} }`,
    });
    assert.ok(r.plan, show(r.problems));
    const p = at(r.problems, 'state.ca', /only used with rediss:\/\//);
    assert.equal(p.severity, 'warning');
  });

  test('rediss:// with ca, prefix and wait: the plan carries the CA PEM, the prefix and the wait', async () => {
    const r = await check({
      top: `state: { backend: redis, url: "rediss://redis.internal:6380/1", ca: ${pki.rootPath}, prefix: "edge:", wait: 20ms }`,
    });
    assert.deepEqual(r.problems, []);
    const state = r.plan?.state;
    assert.equal(state?.backend, 'redis');
    if (state?.backend !== 'redis') return;
    assert.equal(state.url, 'rediss://redis.internal:6380/1');
    assert.deepEqual(state.tls?.ca, [pki.rootPem]);
    assert.equal(state.prefix, 'edge:');
    assert.equal(state.waitMs, 20);
  });

  test('a ca file that cannot be read is an error', async () => {
    const r = await check({
      top: `state: { backend: redis, url: "rediss://redis.internal:6380", ca: ${tmp.dir}/missing.pem }`,
    });
    assert.equal(r.plan, undefined);
    at(r.problems, 'state.ca', /cannot read CA file .*missing\.pem: file not found/);
  });
});

describe('workers: and drain_timeout:', () => {
  test('defaults: workers auto, drain 30 s', async () => {
    const r = await check();
    assert.equal(r.plan?.workers, 'auto');
    assert.equal(r.plan?.drainTimeoutMs, 30_000);
  });

  test('workers auto or a number', async () => {
    assert.equal((await check({ top: 'workers: auto' })).plan?.workers, 'auto');
    assert.equal((await check({ top: 'workers: 3' })).plan?.workers, 3);
  });

  test('workers 0 (or a fraction, or a word) is an error that says what is allowed', async () => {
    const cases: [string, RegExp][] = [
      ['0', /^workers must be at least 1$/],
      ['1.5', /^workers is a whole number$/],
      ['many', /^workers is a number of processes \(at least 1\) or auto \(one per core\)/],
    ];
    for (const [value, words] of cases) {
      const r = await check({ top: `workers: ${value}` });
      assert.equal(r.plan, undefined, value);
      const p = at(r.problems, 'workers', words);
      assert.equal(p.severity, 'error');
      assert.equal(p.line, 3, 'the line of the workers key');
    }
  });

  test('drain_timeout is a duration', async () => {
    assert.equal((await check({ top: 'drain_timeout: 45s' })).plan?.drainTimeoutMs, 45_000);
    assert.equal((await check({ top: 'drain_timeout: 2500' })).plan?.drainTimeoutMs, 2500);
    const bad = await check({ top: 'drain_timeout: soon' });
    assert.equal(bad.plan, undefined);
    at(bad.problems, 'drain_timeout', /'soon' is not a duration/);
  });
});
