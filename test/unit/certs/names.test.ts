import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalIp,
  coveredBy,
  normalizeName,
  parseHostPattern,
  parseSubjectAltName,
} from '../../../src/certs/names.ts';

test('exact names match case-insensitively, trailing dot ignored', () => {
  assert.equal(coveredBy('Example.Test', ['example.test']), true);
  assert.equal(coveredBy('example.test.', ['EXAMPLE.test']), true);
  assert.equal(coveredBy('www.example.test', ['example.test']), false);
});

test('a wildcard SAN covers exactly one left-most label', () => {
  const sans = ['*.example.test'];
  assert.equal(coveredBy('a.example.test', sans), true);
  assert.equal(coveredBy('example.test', sans), false);
  assert.equal(coveredBy('a.b.example.test', sans), false);
  assert.equal(coveredBy('aexample.test', sans), false);
});

test('a configured wildcard host needs the same wildcard SAN', () => {
  assert.equal(coveredBy('*.a.test', ['*.a.test']), true);
  assert.equal(coveredBy('*.a.test', ['x.a.test', 'y.a.test']), false);
  assert.equal(coveredBy('*.b.a.test', ['*.a.test']), false);
});

test('IP hosts need an IP SAN with the same address, in any spelling', () => {
  assert.equal(coveredBy('127.0.0.1', ['127.0.0.1']), true);
  assert.equal(coveredBy('::1', ['0:0:0:0:0:0:0:1']), true);
  assert.equal(coveredBy('[2001:db8::5]', ['2001:DB8:0:0:0:0:0:5']), true);
  assert.equal(coveredBy('10.0.0.1', ['*.example.test', '127.0.0.1']), false);
});

test('canonicalIp follows RFC 5952', () => {
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:5'), '2001:db8::5');
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(canonicalIp('::ffff:7f00:1'), '::ffff:127.0.0.1');
  assert.equal(canonicalIp('10.1.2.3'), '10.1.2.3');
  assert.equal(canonicalIp('example.test'), undefined);
  // Digits and dots that are no address, and names that only look numeric, are not IPs either.
  assert.equal(canonicalIp('1.2.3'), undefined);
  assert.equal(canonicalIp('256.1.1.1'), undefined);
  assert.equal(canonicalIp('1.2.3.4a'), undefined);
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(normalizeName('[::1]'), '::1');
  assert.equal(normalizeName('1.2.3.4.'), '1.2.3.4');
});

test('parseHostPattern validates and normalizes configured hosts', () => {
  assert.deepEqual(parseHostPattern('Example.TEST.'), { ok: true, value: 'example.test' });
  assert.deepEqual(parseHostPattern('*.example.test'), { ok: true, value: '*.example.test' });
  assert.deepEqual(parseHostPattern('::1'), { ok: true, value: '::1' });
  assert.equal(parseHostPattern('*.test').ok, false);
  assert.equal(parseHostPattern('a.*.test').ok, false);
  assert.equal(parseHostPattern('w*.example.test').ok, false);
  assert.equal(parseHostPattern('-bad.test').ok, false);
  assert.equal(parseHostPattern('').ok, false);
  assert.equal(parseHostPattern('under_score.internal').ok, true);
});

test('parseSubjectAltName reads Node’s format, quoted values included', () => {
  assert.deepEqual(
    parseSubjectAltName(
      'DNS:a.test, DNS:*.B.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:x@y.z, DNS:"we,ird.test"',
    ),
    ['a.test', '*.b.test', '127.0.0.1', '::1', 'we,ird.test'],
  );
  assert.deepEqual(parseSubjectAltName(undefined), []);
});
