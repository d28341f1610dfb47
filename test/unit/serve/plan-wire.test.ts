// The plan a worker serves arrives over the cluster channel (v8 structured clone) instead of being
// read from the config file: every kind of value a real plan holds must arrive intact.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { Plan } from '../../../src/config/plan.ts';
import { decodePlan, encodePlan } from '../../../src/serve/cluster/plan-wire.ts';
import { type FixtureDir, makeFixtureDir } from '../config/fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

// valid.yaml plus a listener with PROXY-in, pools and routes, rules on client ranges, an HTTPS
// upstream with its own CA and client certificate, a passthrough site and an ACME site.
const RICH = `pools:
  app: { servers: [http://127.0.0.1:3001, { url: http://127.0.0.1:3002, weight: 2 }], health: { path: /healthz } }
listeners:
  - name: rich
    address: 127.0.0.1:0
    proxy_protocol: { accept: both, from: [127.0.0.1/32, "::1"] }
    sites:
      - hosts: [rich.example.test]
        certificates: [{ cert: pki/ec/fullchain.pem, key: pki/ec/privkey.pem }]
        client_auth: { mode: optional, ca: pki/root.pem }
        upstream:
          url: https://127.0.0.1:3443
          ca: pki/root.pem
          servername: app.internal
          client_cert: { cert: pki/ec/fullchain.pem, key: pki/ec/privkey.pem }
        routes:
          - { match: { path_regex: "^/api/(v[0-9]+)/" }, pool: app }
          - { match: { path_prefix: /grpc/ }, upstream: http://127.0.0.1:3003 }
        rules:
          - { match: { client: [10.0.0.0/8, "2001:db8::/32"], method: [POST] }, action: deny, status: 403 }
          - { match: { header: { x-ops: "~(?i)^yes$" }, query: { debug: "1" } }, action: allow }
        rate_limit: { key: client_ip, rate: 100/s, burst: 10 }
        hsts: { max_age: 1d }
      - hosts: [pass.example.test]
        mode: passthrough
        upstream: tcp://127.0.0.1:3004
  - name: acme
    address: 127.0.0.1:0
    sites:
      - hosts: [www.acme.test]
        acme: { directory: "https://127.0.0.1:14000/dir", email: ops@acme.test, challenge: tls-alpn-01 }
        upstream: http://127.0.0.1:3005
`;

async function plan(): Promise<Plan> {
  const { file } = fx.place('valid.yaml', (t) => t.replace('listeners:\n', RICH));
  const r = await checkConfigFile(file);
  assert.ok(r.plan, JSON.stringify(r.problems.filter((p) => p.severity === 'error')));
  return r.plan;
}

/** What the channel does to a message. */
const overTheChannel = <T>(value: T): T => v8.deserialize(v8.serialize(value)) as T;

/** A comparable form: URLs as their text, address sets as their ranges, regexes as their source. */
const comparable = (plan: Plan): string =>
  JSON.stringify(plan, (_k, v: unknown) => {
    if (v instanceof URL) return `URL(${v.href})`;
    if (v instanceof RegExp) return `RegExp(${v.source}/${v.flags})`;
    if (v instanceof Map) return { map: [...v] };
    if (typeof v === 'object' && v !== null && typeof (v as { has?: unknown }).has === 'function')
      return { addressSet: (v as { cidrs: unknown }).cidrs };
    return v;
  });

describe('plan over the cluster channel', () => {
  test('a plan with every kind of value arrives equal to the one the primary checked', async () => {
    const original = await plan();
    const encoded = encodePlan(original);
    assert.ok(encoded.ok, encoded.ok ? '' : encoded.why);
    const decoded = decodePlan(overTheChannel(encoded.wire));
    assert.equal(comparable(decoded), comparable(original));
    // The revived values work, not only look alike.
    const rich = decoded.listeners.find((l) => l.name === 'rich');
    const site = rich?.sites[0];
    assert.ok(site?.upstream?.url instanceof URL);
    assert.equal(site.upstream.url.port, '3443');
    const rule = site.filters?.rules[0];
    assert.ok(rule?.match.clients);
    assert.equal(rule.match.clients.has('10.1.2.3'), true);
    assert.equal(rule.match.clients.has('::ffff:10.1.2.3'), true);
    assert.equal(rule.match.clients.has('192.0.2.1'), false);
    // Header and query tests are data too (a regex, an exact string).
    const ops = site.filters?.rules[1]?.match;
    assert.ok(ops?.headers[0]?.[1] instanceof RegExp);
    assert.equal(ops.query[0]?.[1], '1');
    assert.ok(decoded.pools?.[0]?.servers[0]?.upstream.url instanceof URL);
  });

  test('a value that would not survive the channel is refused with its path, before any worker starts', async () => {
    const original = await plan();
    const broken = { ...original, extra: { hook: () => 1 } } as unknown as Plan;
    const encoded = encodePlan(broken);
    assert.equal(encoded.ok, false);
    assert.match(encoded.ok ? '' : encoded.why, /plan\.extra\.hook is a function/);
  });
});
