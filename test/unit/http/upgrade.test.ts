import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldIndex } from '../../../src/http/field-lines.ts';
import { parseRequestHead, RequestHead } from '../../../src/http/request-head.ts';
import { DEFAULT_UPGRADES, upgradeOffer } from '../../../src/http/upgrade.ts';

const offer = (upgrade: string[], allowed: readonly string[] = DEFAULT_UPGRADES) => {
  const lines = upgrade.map((u) => `Upgrade: ${u}\r\n`).join('');
  const buf = Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n${lines}\r\n`, 'latin1');
  const head = parseRequestHead(buf, 0, buf.length, new FieldIndex(128));
  assert.ok(head instanceof RequestHead);
  assert.equal(head.upgrade, true);
  return upgradeOffer(head, allowed);
};

test('websocket is allowed by default, in any case', () => {
  assert.deepEqual(offer(['websocket']), { protocols: 'websocket', allowed: true });
  assert.deepEqual(offer(['WebSocket']), { protocols: 'websocket', allowed: true });
});

test('h2c, or a list with h2c in it (on one line or two), is not', () => {
  assert.deepEqual(offer(['h2c']), { protocols: 'h2c', allowed: false });
  assert.deepEqual(offer(['websocket, h2c']), { protocols: 'websocket, h2c', allowed: false });
  assert.deepEqual(offer(['websocket', 'h2c']), { protocols: 'websocket, h2c', allowed: false });
});

test('a protocol is matched by its name, whatever its version; [] allows none', () => {
  assert.equal(offer(['TLS/1.0'], ['tls']).allowed, true);
  assert.equal(offer(['tlsx/1.0'], ['tls']).allowed, false);
  assert.equal(offer(['websocket'], []).allowed, false);
});
