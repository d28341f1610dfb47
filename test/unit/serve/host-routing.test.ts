import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificatePair } from '../../../src/certs/pair.ts';
import type { ClientAuth, SitePlan } from '../../../src/config/plan.ts';
import {
  buildHostRouting,
  certificatesCover,
  decideHost,
  requestHostName,
} from '../../../src/serve/host-routing.ts';
import type { TlsPolicy } from '../../../src/tls/policy.ts';

const policy: TlsPolicy = {
  profile: 'intermediate',
  minVersion: 'TLS1.2',
  maxVersion: 'TLS1.3',
  ciphers12: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
  ciphers13: ['TLS_AES_128_GCM_SHA256'],
  groups: ['X25519', 'P-256'],
};
const pair = (sans: string[]) => ({ sans }) as unknown as CertificatePair;
const mtls: ClientAuth = { mode: 'required', caPems: ['CA'], forwardPem: false };

const site = (id: string, hosts: string[], more: Partial<SitePlan> = {}) => ({
  plan: {
    id,
    hosts,
    isDefault: false,
    mode: 'terminate',
    certificates: [],
    policy,
    alpn: ['h2', 'http/1.1'],
    upstream: { kind: 'http', url: new URL(`http://127.0.0.1/${id}`) },
    ...more,
  } as unknown as SitePlan,
});

const shared = [pair(['a.test', 'b.test', '*.w.test', 'admin.test', 'tcp.test'])];
const a = site('a', ['a.test'], { isDefault: true });
const b = site('b', ['b.test', '*.w.test']);
const admin = site('admin', ['admin.test'], { clientAuth: mtls });
const tls13 = site('tls13', ['c.test'], { policy: { ...policy, minVersion: 'TLS1.3' } });
const tcp = site('tcp', ['tcp.test'], {
  upstream: { kind: 'tcp' } as unknown as SitePlan['upstream'],
});
const routing = buildHostRouting([a, b, admin, tls13, tcp], false);

test('the request host is routed lower-case, without port, brackets or trailing dot', () => {
  assert.equal(requestHostName('A.Test:8443'), 'a.test');
  assert.equal(requestHostName('a.test.'), 'a.test');
  assert.equal(requestHostName('[::1]:8443'), '::1');
  assert.equal(requestHostName('[0:0::1]'), '::1');
  assert.equal(requestHostName('127.0.0.1:443'), '127.0.0.1');
});

test("the connection's own site serves its names, wildcards included", () => {
  assert.deepEqual(decideHost(routing, a, shared, 'a.test'), { site: a });
  assert.deepEqual(decideHost(routing, b, shared, 'x.w.test'), { site: b });
});

test('another site is served when the certificate covers it and the settings are the same', () => {
  assert.deepEqual(decideHost(routing, a, shared, 'b.test'), { site: b });
  assert.deepEqual(decideHost(routing, a, shared, 'y.w.test'), { site: b });
});

test('never an mTLS site on a connection made without its client-certificate settings', () => {
  const d = decideHost(routing, a, shared, 'admin.test');
  assert.ok('misdirected' in d && /client-certificate/.test(d.misdirected));
  // nor the other way round: the mTLS connection does not serve a.test's requests either
  assert.ok('misdirected' in decideHost(routing, admin, shared, 'a.test'));
});

test('421 when the TLS policy differs, or the certificate does not cover the name', () => {
  assert.ok('misdirected' in decideHost(routing, a, shared, 'c.test'));
  const d = decideHost(routing, a, [pair(['a.test'])], 'b.test');
  assert.ok('misdirected' in d && /does not cover/.test(d.misdirected));
});

test('a site that does not proxy HTTP is never coalesced', () => {
  assert.ok('misdirected' in decideHost(routing, a, shared, 'tcp.test'));
});

test('a name no site serves: the default site serves it, any other site answers 421', () => {
  assert.deepEqual(decideHost(routing, a, shared, '127.0.0.1'), { site: a });
  assert.deepEqual(decideHost(routing, a, shared, 'unknown.test'), { site: a });
  const d = decideHost(routing, b, shared, 'unknown.test');
  assert.ok('misdirected' in d && /not the default/.test(d.misdirected));
  const strict = buildHostRouting([a, b], true);
  assert.ok('misdirected' in decideHost(strict, a, shared, 'unknown.test'));
});

test('every certificate of the site must cover the name (RSA and EC pairs)', () => {
  assert.equal(certificatesCover([pair(['a.test', 'b.test']), pair(['a.test'])], 'b.test'), false);
  assert.equal(certificatesCover([pair(['*.w.test'])], 'x.w.test'), true);
  assert.equal(certificatesCover([pair(['*.w.test'])], 'y.x.w.test'), false);
  assert.equal(certificatesCover([pair(['::1'])], '::1'), true);
  assert.equal(certificatesCover([], 'a.test'), false);
});
