import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { ConfigSchema, knownKeysAt } from '../../../src/config/schema.ts';

test('knownKeysAt walks objects, arrays, optionals and unions', () => {
  assert.deepEqual(knownKeysAt([]), [
    'state_dir',
    'keylog',
    'log',
    'extra_ca',
    'workers',
    'single_process',
    'drain_timeout',
    'state',
    'admin',
    'pools',
    'listeners',
    'user',
    'group',
  ]);
  assert.deepEqual(knownKeysAt(['listeners', 3]).slice(0, 3), ['name', 'address', 'tls']);
  assert.deepEqual(knownKeysAt(['listeners', 0, 'tls']), [
    'profile',
    'min_version',
    'max_version',
    'ciphers',
    'groups',
  ]);
  assert.deepEqual(knownKeysAt(['listeners', 0, 'sites', 2, 'certificates', 0]), ['cert', 'key']);
  assert.deepEqual(knownKeysAt(['listeners', 0, 'sites', 0, 'upstream']), [
    'url',
    'connect_timeout',
    'response_timeout',
    'ca',
    'servername',
    'client_cert',
    'insecure_skip_verify',
    'via',
    'proxy_protocol',
    'idle_timeout',
    'alpn',
    'max_streams',
  ]);
  assert.deepEqual(knownKeysAt(['listeners', 0, 'address']), []);
});

test('versions written as YAML numbers become strings', () => {
  const r = v.safeParse(ConfigSchema, {
    listeners: [
      { address: ':1', tls: { min_version: 1.3 }, sites: [{ hosts: ['a.test'], handler: 'inspect' }] },
    ],
  });
  assert.equal(r.success, true);
  if (r.success) assert.equal(r.output.listeners[0]?.tls?.min_version, '1.3');
});

test('structure errors are reported, meaning is left to check', () => {
  assert.equal(v.safeParse(ConfigSchema, { listeners: [] }).success, false);
  assert.equal(v.safeParse(ConfigSchema, { listeners: [{ address: ':1', sites: [] }] }).success, false);
  // an unknown profile name is not the schema's business
  assert.equal(
    v.safeParse(ConfigSchema, {
      listeners: [{ address: 'x', tls: { profile: 'nope' }, sites: [{ hosts: ['a'] }] }],
    }).success,
    true,
  );
});
