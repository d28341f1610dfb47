import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressesClash, parseListenAddress } from '../../../src/config/address.ts';

test('host:port, [v6]:port and :port', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8443'), {
    ok: true,
    value: { host: '127.0.0.1', port: 8443 },
  });
  assert.deepEqual(parseListenAddress('[::1]:8443'), { ok: true, value: { host: '::1', port: 8443 } });
  assert.deepEqual(parseListenAddress(':8443'), { ok: true, value: { host: '::', port: 8443 } });
  assert.deepEqual(parseListenAddress('localhost:0'), { ok: true, value: { host: 'localhost', port: 0 } });
});

test('bad addresses explain themselves', () => {
  const msg = (s: string) => {
    const r = parseListenAddress(s);
    assert.equal(r.ok, false, s);
    return r.ok ? '' : r.error;
  };
  assert.match(msg('127.0.0.1'), /has no port/);
  assert.match(msg('::1:8443'), /put IPv6 addresses in brackets/);
  assert.match(msg('[::1]8443'), /IPv6 is written \[::1\]:8443/);
  assert.match(msg('1.2.3.4:99999'), /not a port number/);
  assert.match(msg('bad host!:80'), /neither an IP address nor a host name/);
});

test('clashes: same host and port, or a wildcard on the same port; port 0 never clashes', () => {
  const a = (host: string, port: number) => ({ host, port });
  assert.equal(addressesClash(a('127.0.0.1', 1), a('127.0.0.1', 1)), true);
  assert.equal(addressesClash(a('::', 1), a('127.0.0.1', 1)), true);
  assert.equal(addressesClash(a('127.0.0.1', 1), a('127.0.0.2', 1)), false);
  assert.equal(addressesClash(a('127.0.0.1', 1), a('127.0.0.1', 2)), false);
  assert.equal(addressesClash(a('127.0.0.1', 0), a('127.0.0.1', 0)), false);
});
