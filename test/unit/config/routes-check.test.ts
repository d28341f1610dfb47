// `pools:` and `routes:` through `tlsterm check`: the plan gets them, and each mistake is a Problem
// at its path and line — shadowed routes (a warning naming both lines), a pool with no servers, an
// unknown pool, a regex that does not compile, weights ≤ 0, hash without hash_key, health interval
// not above its timeout.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import { matches, rewriteTarget, splitTarget } from '../../../src/http/routes/index.ts';
import type { Problem } from '../../../src/problems.ts';
import { formatProblems } from '../../../src/problems.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

const UPSTREAM =
  '        upstream: { url: "http://127.0.0.1:3000", connect_timeout: 2s, response_timeout: 30s }\n';

/** valid.yaml with `pools` at the top and `routes` (8-space indented lines) on the first site. */
async function check(pools: string, routes: string) {
  const { file, text } = fx.place('valid.yaml', (t) =>
    t.replace('listeners:\n', `${pools}listeners:\n`).replace(UPSTREAM, `${UPSTREAM}${routes}`),
  );
  const r = await checkConfigFile(file);
  return { ...r, text };
}

function find(problems: readonly Problem[], where: string, words: RegExp): Problem {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(
    hit,
    `no problem at ${where} matching ${words}; got:\n${formatProblems(problems, 'config.yaml')}`,
  );
  return hit;
}

const POOLS = `pools:
  api:
    servers:
      - { url: http://127.0.0.1:8081, weight: 2 }
      - http://127.0.0.1:8082
    balance: hash
    hash_key: cookie:sid
    health: { path: /healthz, interval: 5s, timeout: 2s, expect: 200-299, rise: 2, fall: 3 }
    retries: { attempts: 2, budget: 25% }
    timeouts: { response_header: 3s }
`;

describe('routes and pools in the plan', () => {
  test('a valid config: pools and routes become plan values', async () => {
    const { plan, problems } = await check(
      POOLS,
      `        routes:
          - match: { path_prefix: /api/, method: [get, POST], header: { x-canary: "~^1$" }, query: { v: "2" } }
            pool: api
            strip_prefix: /api
            host: api.internal
            timeouts: { response_header: 1s }
          - match: { path: /ping }
            respond: { status: 200, body: "pong\\n" }
          - match: { path_prefix: /old/ }
            redirect: { status: 301, location: "https://{host}/new{path}" }
          - match: { host: "*.example.test", path_regex: "^/v[0-9]+/" }
            upstream: http://127.0.0.1:9000
`,
    );
    assert.ok(plan, formatProblems(problems, 'x'));
    const pools = plan.pools ?? [];
    assert.deepEqual(
      pools.map((p) => p.name),
      ['api', 'listeners[0].sites[0].routes[3]'],
    );
    const api = pools[0]!;
    assert.deepEqual(api.hashKey, { kind: 'cookie', name: 'sid' });
    assert.equal(api.retries, 2);
    assert.equal(api.retryBudgetPercent, 25);
    assert.equal(api.timeouts.responseHeaderMs, 3000);
    assert.deepEqual([api.health?.expectLow, api.health?.expectHigh], [200, 299]);
    assert.deepEqual(
      api.servers.map((s) => s.weight),
      [2, 1],
    );
    const routes = plan.listeners[0]!.sites[0]!.routes!;
    assert.equal(routes.length, 4);
    const r0 = routes[0]!;
    assert.deepEqual(r0.action, {
      kind: 'proxy',
      pool: 'api',
      rewrite: { from: '/api', to: '' },
      host: 'api.internal',
      timeouts: { responseHeaderMs: 1000 },
    });
    const req = (method: string, target: string, headers: Record<string, string> = {}) => ({
      method,
      host: 'example.test',
      ...splitTarget(target),
      header: (n: string) => headers[n],
    });
    assert.equal(matches(r0.match, req('GET', '/api/x?v=2', { 'x-canary': '1' })), true);
    assert.equal(matches(r0.match, req('GET', '/api/x?v=3', { 'x-canary': '1' })), false);
    assert.equal(matches(r0.match, req('PUT', '/api/x?v=2', { 'x-canary': '1' })), false);
    assert.equal(matches(r0.match, req('GET', '/api/x?v=2', { 'x-canary': '10' })), false);
    assert.equal(matches(routes[3]!.match, { ...req('GET', '/v2/a'), host: 'a.example.test' }), true);
    assert.equal(matches(routes[3]!.match, req('GET', '/v2/a')), false, 'the wildcard needs a label');
    assert.equal(rewriteTarget('/api/users?x=1', { from: '/api', to: '' }), '/users?x=1');
    assert.equal(rewriteTarget('/api', { from: '/api', to: '' }), '/');
    assert.equal(rewriteTarget('/api/x', { from: '/api', to: '/v2' }), '/v2/x');
  });

  test('shadowed routes: a warning on the later route naming the earlier one and its line', async () => {
    const { plan, problems, text } = await check(
      '',
      `        routes:
          - match: { path_prefix: / }
            respond: { body: "all" }
          - match: { path_prefix: /api/ }
            respond: { body: "api" }
`,
    );
    assert.ok(plan, 'a warning only');
    const p = find(problems, 'listeners[0].sites[0].routes[1]', /never used/);
    assert.equal(p.severity, 'warning');
    assert.match(p.message, new RegExp(`routes\\[0\\] \\(line ${lineOf(text, 'path_prefix: / }')}\\)`));
    assert.equal(p.line, lineOf(text, 'path_prefix: /api/'));
  });

  test('an exact path after a prefix that covers it; a method subset; not a narrower earlier route', async () => {
    const { problems } = await check(
      '',
      `        routes:
          - match: { path_prefix: /a/, method: [GET, POST] }
            respond: { body: "a" }
          - match: { path: /a/b, method: GET }
            respond: { body: "b" }
          - match: { path: /a/c }
            respond: { body: "c" }
`,
    );
    find(problems, 'listeners[0].sites[0].routes[1]', /never used/);
    assert.equal(
      problems.some((p) => p.path === 'listeners[0].sites[0].routes[2]'),
      false,
      'a route for every method is not shadowed by a GET/POST one',
    );
  });

  test('errors: unknown pool, bad regex, no action, two actions, rewrite on a local route', async () => {
    const { plan, problems } = await check(
      POOLS,
      `        routes:
          - match: { path_prefix: /x/ }
            pool: apii
          - match: { path_regex: "^/(unclosed" }
            respond: { body: "x" }
          - match: { path: /y }
          - match: { path: /z }
            respond: { body: "x" }
            redirect: { location: "https://a/" }
          - match: { path: /w }
            respond: { body: "x" }
            strip_prefix: /w
          - match: { header: { user-agent: "~(?<" } }
            pool: api
`,
    );
    assert.equal(plan, undefined);
    assert.match(
      find(problems, 'listeners[0].sites[0].routes[0].pool', /unknown pool 'apii'/).message,
      /did you mean 'api'/,
    );
    find(
      problems,
      'listeners[0].sites[0].routes[1].match.path_regex',
      /does not compile: Invalid regular expression/,
    );
    find(problems, 'listeners[0].sites[0].routes[2]', /no action/);
    find(problems, 'listeners[0].sites[0].routes[3]', /redirect and respond/);
    find(problems, 'listeners[0].sites[0].routes[4].strip_prefix', /applies to routes that proxy/);
    find(problems, 'listeners[0].sites[0].routes[5].match.header.user-agent', /does not compile/);
  });

  test('pool errors: no servers, weight ≤ 0, hash without hash_key, interval ≤ timeout, bad expect', async () => {
    const { plan, problems } = await check(
      `pools:
  empty:
    servers: []
  weights:
    servers: [{ url: http://127.0.0.1:1, weight: 0 }, { url: http://127.0.0.1:2, weight: -1 }]
  hashed:
    servers: [http://127.0.0.1:1]
    balance: hash
  checked:
    servers: [http://127.0.0.1:1]
    health: { interval: 2s, timeout: 2s, expect: 200-1000 }
  scheme:
    servers: [ftp://127.0.0.1:1]
`,
      '',
    );
    assert.equal(plan, undefined);
    find(problems, 'pools.empty.servers', /has no servers/);
    find(problems, 'pools.weights.servers[0].weight', /more than 0/);
    find(problems, 'pools.weights.servers[1].weight', /more than 0/);
    find(problems, 'pools.hashed.balance', /needs a hash_key/);
    find(problems, 'pools.checked.health.interval', /must be longer than its timeout/);
    find(problems, 'pools.checked.health.expect', /not a status or a range/);
    find(problems, 'pools.scheme.servers[0]', /unsupported server scheme ftp/);
    assert.ok(
      problems.every((p) => p.line !== undefined),
      'every problem has its line',
    );
  });

  test('a site with routes only is valid (no upstream, no handler)', async () => {
    const { plan, problems } = await check(
      '',
      `        routes:
          - match: { path: /ping }
            respond: { body: "pong" }
`,
    );
    assert.ok(plan, formatProblems(problems, 'x'));
    const { file } = fx.place('valid.yaml', (t) =>
      t.replace(UPSTREAM, '        routes:\n          - respond: { body: "x" }\n'),
    );
    const r = await checkConfigFile(file);
    assert.ok(r.plan, formatProblems(r.problems, 'x'));
    assert.equal(r.plan.listeners[0]!.sites[0]!.upstream, undefined);
  });
});
