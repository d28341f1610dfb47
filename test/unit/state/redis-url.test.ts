import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRedisUrl } from '../../../src/state/index.ts';

test('redis:// with defaults', () => {
  const r = parseRedisUrl('redis://cache.internal');
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    host: 'cache.internal',
    port: 6379,
    tls: false,
    username: undefined,
    password: undefined,
    db: 0,
    redacted: 'redis://cache.internal',
  });
});

test('rediss:// with an ACL user, a password to decode, a port and a database; the password is masked', () => {
  const r = parseRedisUrl('rediss://tlsterm:s%40cret@10.0.0.5:6380/2');
  assert.ok(r.ok);
  assert.equal(r.value.tls, true);
  assert.equal(r.value.username, 'tlsterm');
  assert.equal(r.value.password, 's@cret');
  assert.equal(r.value.port, 6380);
  assert.equal(r.value.db, 2);
  assert.equal(r.value.redacted, 'rediss://tlsterm:***@10.0.0.5:6380/2');
  assert.doesNotMatch(r.value.redacted, /cret/);
});

test('password only (requirepass) and IPv6 hosts', () => {
  const r = parseRedisUrl('redis://:pw@[::1]:7000');
  assert.ok(r.ok);
  assert.equal(r.value.username, undefined);
  assert.equal(r.value.password, 'pw');
  assert.equal(r.value.host, '::1');
});

test('what is refused says why, without the password', () => {
  const cases: [string, RegExp][] = [
    ['cache:6379', /scheme cache/],
    ['http://u:pw@host', /scheme http in http:\/\/u:\*\*\*@host/],
    ['redis://host/x', /database "x"/],
    ['redis://:pw@host?tls=true', /query or fragment/],
    ['not a url', /not a URL/],
  ];
  for (const [url, reason] of cases) {
    const r = parseRedisUrl(url);
    assert.equal(r.ok, false, url);
    if (!r.ok) {
      assert.match(r.error, reason);
      assert.doesNotMatch(r.error, /pw@/);
    }
  }
});
