import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import type { Problem } from '../../../src/problems.ts';
import type { TlsPolicy } from '../../../src/tls/policy.ts';
import {
  checkPolicyAgainstCertificates,
  resolvePolicy,
  secureContextOptions,
} from '../../../src/tls/policy.ts';
import { PROFILES } from '../../../src/tls/profiles.ts';

const errors = (ps: readonly Problem[]) => ps.filter((p) => p.severity === 'error');
const warnings = (ps: readonly Problem[]) => ps.filter((p) => p.severity === 'warning');

function ok(input: Parameters<typeof resolvePolicy>[0], base?: TlsPolicy): TlsPolicy {
  const r = resolvePolicy(input, base);
  assert.deepEqual(errors(r.problems), []);
  assert.ok(r.policy);
  return r.policy;
}

test('no input = intermediate with hybrid post-quantum groups first', () => {
  const p = ok({});
  assert.equal(p.profile, 'intermediate');
  assert.equal(p.minVersion, 'TLS1.2');
  assert.equal(p.maxVersion, 'TLS1.3');
  assert.deepEqual(p.ciphers12, PROFILES.intermediate.ciphers12);
  assert.deepEqual(p.groups, ['X25519MLKEM768', 'X25519', 'P-256', 'P-384']);
});

test('modern is TLS 1.3 only with no TLS 1.2 suites', () => {
  const p = ok({ profile: 'Modern' });
  assert.equal(p.profile, 'modern');
  assert.equal(p.minVersion, 'TLS1.3');
  assert.deepEqual(p.ciphers12, []);
});

test('mixed IANA/OpenSSL names are split per version, in the given order', () => {
  const p = ok({
    ciphers: [
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
      'ecdhe-ecdsa-aes128-gcm-sha256',
    ],
    groups: ['x25519', 'prime256v1'],
    min_version: 'TLSv1.2',
    max_version: '1.3',
  });
  assert.equal(p.profile, 'custom');
  assert.deepEqual(p.ciphers12, ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256']);
  assert.deepEqual(p.ciphers13, ['TLS_CHACHA20_POLY1305_SHA256']);
  assert.deepEqual(p.groups, ['X25519', 'P-256']);
});

test('unknown cipher names are errors with suggestions and a path', () => {
  const r = resolvePolicy({ ciphers: ['TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA265'] });
  assert.equal(r.policy, undefined);
  const [e] = errors(r.problems);
  assert.equal(e?.path, 'ciphers[1]');
  assert.match(
    e?.message ?? '',
    /unknown cipher suite 'ECDHE-RSA-AES128-GCM-SHA265'; did you mean 'ECDHE-RSA-AES128-GCM-SHA256'/,
  );
});

test('weak, PSK, SCSV and OpenSSL-less suites are refused with a reason', () => {
  const r = resolvePolicy({
    ciphers: [
      'RC4-SHA',
      'PSK-AES128-GCM-SHA256',
      'TLS_FALLBACK_SCSV',
      'DH-RSA-AES128-SHA',
      'TLS_RSA_WITH_ARIA_128_CBC_SHA256',
    ],
  });
  const es = errors(r.problems);
  assert.deepEqual(
    es.map((e) => e.path),
    ['ciphers[0]', 'ciphers[1]', 'ciphers[2]', 'ciphers[3]', 'ciphers[4]'],
  );
  assert.match(es[0]?.message ?? '', /weak/);
  assert.match(es[1]?.message ?? '', /pre-shared-key/);
  assert.match(es[2]?.message ?? '', /signalling/);
  assert.match(es[3]?.message ?? '', /not supported by this Node's OpenSSL/);
  assert.match(es[4]?.message ?? '', /not implemented by OpenSSL/);
});

test('unknown groups are errors with suggestions', () => {
  const r = resolvePolicy({ groups: ['X25519', 'P256'] });
  const [e] = errors(r.problems);
  assert.equal(e?.path, 'groups[1]');
  assert.match(e?.message ?? '', /unknown group 'P256'; did you mean 'P-256'/);
});

test('min above max is an error', () => {
  const r = resolvePolicy({ min_version: 'TLS1.3', max_version: 'TLS1.2' });
  const [e] = errors(r.problems);
  assert.equal(e?.path, 'min_version');
  assert.match(e?.message ?? '', /min_version TLS1.3 is above max_version TLS1.2/);
});

test('min above max is said once', () => {
  const r = resolvePolicy({ min_version: 'TLS1.3', max_version: 'TLS1.2' });
  const said = errors(r.problems).filter((p) => /is above max_version/.test(p.message));
  assert.equal(said.length, 1);
});

test('TLS 1.0/1.1 are not accepted', () => {
  const r = resolvePolicy({ min_version: 'TLS1.1' });
  assert.match(errors(r.problems)[0]?.message ?? '', /unsupported TLS version 'TLS1.1'/);
});

test('TLS1.3-only with only TLS 1.2 suites says exactly that', () => {
  const r = resolvePolicy({ min_version: 'TLS1.3', ciphers: ['ECDHE-RSA-AES128-GCM-SHA256'] });
  const [e] = errors(r.problems);
  assert.equal(e?.path, 'ciphers');
  assert.match(
    e?.message ?? '',
    /min_version is TLS1.3, but every cipher suite listed is a TLS 1.2 suite \(ECDHE-RSA-AES128-GCM-SHA256\)/,
  );
});

test('TLS1.2-only with only TLS 1.3 suites is an error', () => {
  const r = resolvePolicy({ max_version: 'TLS1.2', ciphers: ['TLS_AES_128_GCM_SHA256'] });
  assert.match(
    errors(r.problems)[0]?.message ?? '',
    /max_version is TLS1.2, but every cipher suite listed is a TLS 1.3 suite/,
  );
});

test('both versions but only 1.2 suites: warning, and TLS 1.3 is switched off', () => {
  const r = resolvePolicy({ ciphers: ['ECDHE-ECDSA-AES128-GCM-SHA256'] });
  assert.equal(r.policy?.maxVersion, 'TLS1.2');
  assert.match(
    warnings(r.problems)[0]?.message ?? '',
    /no TLS 1.3 cipher suite is listed, so TLS 1.3 is off/,
  );
  const opts = secureContextOptions(r.policy as TlsPolicy);
  assert.equal(opts.maxVersion, 'TLSv1.2');
});

test('only hybrid groups with max TLS1.2: error', () => {
  const r = resolvePolicy({ max_version: 'TLS1.2', groups: ['X25519MLKEM768'] });
  const [e] = errors(r.problems);
  assert.equal(e?.path, 'groups');
  assert.match(e?.message ?? '', /unusable with TLS 1.2 ECDHE \(X25519MLKEM768 is TLS 1.3-only/);
});

test('only hybrid groups with TLS 1.2 and 1.3: warning only', () => {
  const r = resolvePolicy({ groups: ['X25519MLKEM768'] });
  assert.ok(r.policy);
  assert.match(warnings(r.problems)[0]?.message ?? '', /TLS 1.2 clients cannot use ECDHE suites/);
});

test('TLS 1.3-only with legacy-only groups: error', () => {
  const r = resolvePolicy({ profile: 'modern', groups: ['brainpoolP256r1'] });
  assert.match(errors(r.problems)[0]?.message ?? '', /no group listed can be used with TLS 1.3/);
});

test('a site may narrow its listener but not widen it', () => {
  const listener = ok({ profile: 'intermediate' });
  const narrowed = ok({ min_version: 'TLS1.3' }, listener);
  assert.equal(narrowed.minVersion, 'TLS1.3');
  assert.deepEqual(narrowed.groups, listener.groups, 'inherits groups');
  assert.equal(narrowed.profile, 'custom');
  assert.equal(ok({}, listener).profile, 'intermediate');

  const modern = ok({ profile: 'modern' });
  const widened = resolvePolicy({ profile: 'intermediate' }, modern);
  assert.equal(widened.policy, undefined);
  assert.match(
    errors(widened.problems)[0]?.message ?? '',
    /min_version TLS1.2 is below the listener's TLS1.3/,
  );

  const extraSuite = resolvePolicy({ ciphers: ['TLS_AES_128_CCM_SHA256'] }, listener);
  assert.equal(errors(extraSuite.problems)[0]?.path, 'ciphers[0]');
  assert.match(errors(extraSuite.problems)[0]?.message ?? '', /not allowed by the listener/);

  const extraGroup = resolvePolicy({ groups: ['P-521'] }, listener);
  assert.equal(errors(extraGroup.problems)[0]?.path, 'groups[0]');
});

test('secureContextOptions is what createSecureContext accepts, with DH params for DHE', () => {
  const p = ok({});
  const opts = secureContextOptions(p);
  assert.equal(opts.minVersion, 'TLSv1.2');
  assert.equal(opts.maxVersion, 'TLSv1.3');
  assert.equal(opts.honorCipherOrder, true);
  assert.equal(opts.ecdhCurve, 'X25519MLKEM768:X25519:P-256:P-384');
  assert.ok(String(opts.ciphers).startsWith('TLS_AES_128_GCM_SHA256:'));
  assert.equal(opts.dhparam, 'auto');
  assert.doesNotThrow(() => tls.createSecureContext(opts));
  assert.equal(secureContextOptions(ok({ profile: 'modern' })).dhparam, undefined);
});

test('policy against certificate key types', () => {
  const rsaOnly12 = ok({ max_version: 'TLS1.2', ciphers: ['ECDHE-RSA-AES128-GCM-SHA256'] });
  const [e] = checkPolicyAgainstCertificates(rsaOnly12, ['ec']);
  assert.equal(e?.severity, 'error');
  assert.match(
    e?.message ?? '',
    /certificates are ECDSA, but every TLS 1.2 suite needs RSA authentication: nothing can be negotiated/,
  );
  assert.deepEqual(checkPolicyAgainstCertificates(rsaOnly12, ['rsa']), []);
  assert.deepEqual(checkPolicyAgainstCertificates(rsaOnly12, ['ec', 'rsa']), []);

  const both = ok({ ciphers: ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'] });
  assert.equal(checkPolicyAgainstCertificates(both, ['ec'])[0]?.severity, 'warning');
  assert.deepEqual(checkPolicyAgainstCertificates(ok({ profile: 'modern' }), ['ec']), []);
  assert.deepEqual(checkPolicyAgainstCertificates(ok({}), ['ed25519']), []);
});
