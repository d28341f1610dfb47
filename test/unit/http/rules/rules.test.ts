// Rules: compiled once, evaluated purely — order, allow before deny, tags, every match key.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addressSet,
  compileRules,
  evaluate,
  globRegex,
  parseCidr,
  type RequestFacts,
  type RuleSpec,
} from '../../../../src/http/rules/index.ts';

const req = (
  over: Partial<{
    method: string;
    target: string;
    headers: Record<string, string>;
    client: string;
    sni: string;
    subject: string;
  }> = {},
): RequestFacts => ({
  method: over.method ?? 'GET',
  target: over.target ?? '/',
  header: (n) => (over.headers?.[n] === undefined ? [] : [over.headers[n]]),
  conn: {
    clientAddress: over.client ?? '192.0.2.1',
    serverName: over.sni,
    ...(over.subject !== undefined ? { clientCertSubject: over.subject } : {}),
  },
});

const compile = (specs: RuleSpec[]) => {
  const r = compileRules(specs);
  assert.deepEqual(r.problems, []);
  return r.rules;
};

describe('evaluate', () => {
  const rules = compile([
    { match: { client: ['203.0.113.0/24', '2001:db8::/32'] }, action: 'deny', status: 403 },
    { match: { path_prefix: '/admin', client_cert_subject: 'CN=ops*' }, action: 'allow' },
    { match: { path_prefix: '/admin' }, action: 'deny', status: 403, body: 'no\n' },
    { match: { header: { 'user-agent': '~(?i)sqlmap' } }, action: 'deny' },
    { match: { sni: 'beta.example.com' }, action: 'tag', tag: 'beta' },
    { match: { method: ['POST', 'put'], query: { v: '2' } }, action: 'tag', tag: 'v2-write' },
    { match: { path_regex: '^/v[0-9]+/' }, action: 'tag', tag: 'versioned' },
    { match: { path: '/exact' }, action: 'deny', status: 410 },
  ]);

  test('a client CIDR denies IPv4, v4-mapped IPv6 and IPv6 alike', () => {
    for (const client of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8::1'])
      assert.equal(evaluate(rules, req({ client })).deny, true, client);
    assert.equal(evaluate(rules, req({ client: '203.0.114.1' })).deny, false);
  });

  test('allow before deny: the subject glob decides', () => {
    assert.equal(evaluate(rules, req({ target: '/admin/x', subject: 'CN=ops-1,O=Example' })).deny, false);
    const v = evaluate(rules, req({ target: '/admin/x', subject: 'CN=dev,O=Example' }));
    assert.ok(v.deny);
    assert.equal(v.body, 'no\n');
    assert.equal(v.rule, 'rules[2]');
    assert.equal(evaluate(rules, req({ target: '/admin' })).deny, true, 'no certificate: no subject');
  });

  test('header regex with (?i); exact path does not match with a query or a longer path', () => {
    assert.equal(evaluate(rules, req({ headers: { 'user-agent': 'SQLMap/1.7' } })).deny, true);
    const v = evaluate(rules, req({ target: '/exact?x=1' }));
    assert.ok(v.deny && v.status === 410, 'the query is not part of the path');
    assert.equal(evaluate(rules, req({ target: '/exact/more' })).deny, false);
  });

  test('tags accumulate and evaluation goes on past them', () => {
    const v = evaluate(rules, req({ sni: 'BETA.example.com', method: 'PUT', target: '/v1/x?v=2' }));
    assert.deepEqual(v.tags, ['beta', 'v2-write', 'versioned']);
    assert.equal(v.deny, false);
    assert.equal(evaluate(rules, req({ method: 'GET', target: '/?v=2' })).tags, null);
  });

  test('no rule matching: pass, no allocation of tags', () => {
    assert.deepEqual(evaluate(rules, req()), { deny: false, tags: null });
  });
});

describe('compile problems', () => {
  test('bad regex, bad CIDR, bad status, tag without a name, a catch-all before other rules', () => {
    const { problems } = compileRules([
      { match: { path_regex: '(' }, action: 'deny' },
      { match: { client: ['10.0.0.0/33', 'nope'] }, action: 'deny' },
      { match: { header: { ua: '~[' } }, action: 'deny', status: 99 },
      { match: { path: 'x' }, action: 'tag' },
      { match: {}, action: 'deny' },
      { match: { path: '/' }, action: 'allow', status: 403 },
    ]);
    const at = problems.map((p) => `${p.index}:${p.where}`);
    assert.deepEqual(at, [
      '0:match.path_regex',
      '1:match.client[0]',
      '1:match.client[1]',
      '2:match.header.ua',
      '2:status',
      '3:match.path',
      '3:tag',
      '4:match',
      '5:status',
    ]);
  });
});

describe('cidr and glob', () => {
  test('parseCidr names what is wrong', () => {
    assert.equal(parseCidr('10.0.0.0/8').ok, true);
    assert.equal(parseCidr('::1').ok, true);
    const bad = parseCidr('10.0.0.0/40');
    assert.ok(!bad.ok && /0-32/.test(bad.error));
  });

  test('a v4-mapped range is its IPv4 range', () => {
    const s = addressSet(['::ffff:10.0.0.0/104']);
    assert.equal(s.has('10.1.2.3'), true);
    assert.equal(s.has('::ffff:10.1.2.3'), true);
    assert.equal(s.has('11.0.0.1'), false);
  });

  test('glob: * any run, ? one character, regex characters literal', () => {
    assert.equal(globRegex('CN=ops*').test('CN=ops-1,O=x'), true);
    assert.equal(globRegex('CN=a?c').test('CN=abc'), true);
    assert.equal(globRegex('CN=a.c').test('CN=abc'), false);
    assert.equal(globRegex('CN=ops').test('CN=ops,O=x'), false);
  });
});
