// rules, headers, hsts, a site's limits and rate_limit in check: each mistake named at its line;
// a correct site compiles into the plan.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { Problem } from '../../../src/problems.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

const check = async (rewrite?: (t: string) => string) => {
  const { file, text } = fx.place('filters.yaml', rewrite);
  const r = await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } });
  return { ...r, text };
};

const find = (problems: readonly Problem[], where: string, words: RegExp): Problem => {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(hit, `no problem at ${where} matching ${words}; got ${JSON.stringify(problems, null, 1)}`);
  return hit;
};

const S0 = 'listeners[0].sites[0]';

test('each mistake is named with its line', async () => {
  const r = await check();
  const cidr = find(r.problems, `${S0}.rules[0].match.client[0]`, /invalid CIDR '10.0.0.0\/33'/);
  assert.equal(cidr.severity, 'error');
  assert.equal(cidr.line, lineOf(r.text, '10.0.0.0/33'));
  find(r.problems, `${S0}.rules[1].match.path_regex`, /does not compile/);
  assert.equal(
    find(r.problems, `${S0}.rules[2].match.client_cert_subject`, /never matches/).severity,
    'warning',
  );
  find(r.problems, `${S0}.rules[3].tag`, /needs a tag/);
  find(r.problems, `${S0}.headers.request.set.content-length`, /message framing/);
  find(r.problems, `${S0}.headers.request.remove[0]`, /hop-by-hop/);
  assert.equal(find(r.problems, `${S0}.hsts.preload`, /includeSubDomains/).severity, 'warning');
  assert.equal(find(r.problems, `${S0}.hsts.max_age`, /at least 1y/).severity, 'warning');
  find(r.problems, `${S0}.limits.max_body`, /above the listener's/);
  find(r.problems, `${S0}.rate_limit.key`, /unknown rate limit key 'cookie:session'/);
  find(r.problems, `${S0}.rate_limit.rate`, /'fast' is not a rate/);
  assert.equal(find(r.problems, 'listeners[0].sites[2].hsts', /no effect/).severity, 'warning');
  assert.equal(r.plan, undefined);
});

test('a correct site compiles into the plan', async () => {
  const r = await check((t) =>
    t.replace(/( {6}- hosts: \[example\.test\][\s\S]*?)( {6}- hosts: \[ok)/, '$2'),
  );
  assert.deepEqual(
    r.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const f = r.plan?.listeners[0]?.sites[0]?.filters;
  assert.ok(f);
  assert.equal(f.rules.length, 1);
  assert.deepEqual(f.response?.drop, ['server', 'strict-transport-security']);
  assert.deepEqual(f.response?.pairs, [
    ['strict-transport-security', 'max-age=31536000; includeSubDomains; preload'],
  ]);
  assert.deepEqual(f.limits, { maxBody: 512 * 1024, maxHeaderBytes: 0, maxHeaderFields: 32 });
  assert.deepEqual(f.rateLimit, {
    header: 'x-api-key',
    perSecond: 10,
    burst: 20,
    status: 429,
    maxKeys: 100_000,
  });
  assert.equal(r.plan?.listeners[0]?.sites[1]?.filters, undefined);
});
