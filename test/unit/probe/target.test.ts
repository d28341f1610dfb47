import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTarget } from '../../../src/probe/target.ts';

const ok = (text: string) => {
  const r = parseTarget(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

describe('parseTarget', () => {
  it('defaults the port to 443 and lower-cases names', () => {
    assert.deepEqual(ok('Example.COM'), {
      host: 'example.com',
      port: 443,
      label: 'example.com:443',
      isIp: false,
    });
  });

  it('reads host:port, IPv4, bracketed and bare IPv6', () => {
    assert.deepEqual(ok('127.0.0.1:8443'), {
      host: '127.0.0.1',
      port: 8443,
      label: '127.0.0.1:8443',
      isIp: true,
    });
    assert.deepEqual(ok('[::1]:8443'), { host: '::1', port: 8443, label: '[::1]:8443', isIp: true });
    assert.deepEqual(ok('::1'), { host: '::1', port: 443, label: '[::1]:443', isIp: true });
  });

  it('accepts a pasted URL', () => {
    assert.equal(ok('https://a.test:9443/path?q').label, 'a.test:9443');
  });

  it('refuses what is not HOST[:PORT], saying why', () => {
    for (const [text, why] of [
      ['', /empty/],
      ['a.test:99999', /out of range/],
      ['a.test:http', /not a number/],
      ['[::1', /unclosed/],
      ['a b.test', /not a host name/],
    ] as const) {
      const r = parseTarget(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.error, why);
    }
  });
});
