import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromNode, isGrease, toNode, versionId, versionName } from '../../../src/tls/versions.ts';

test('versionName names every wire value', () => {
  assert.equal(versionName(0x0300), 'SSLv3');
  assert.equal(versionName(0x0301), 'TLS1.0');
  assert.equal(versionName(0x0303), 'TLS1.2');
  assert.equal(versionName(0x0304), 'TLS1.3');
  assert.equal(versionName(0x0a0a), 'GREASE');
  assert.equal(versionName(0x7f1c), 'TLS1.3-draft-28');
  assert.equal(versionName(0x0002), 'SSLv2');
  assert.equal(versionName(0x1234), '0x1234');
});

test('Node names both ways', () => {
  assert.equal(toNode('TLS1.2'), 'TLSv1.2');
  assert.equal(toNode('TLS1.3'), 'TLSv1.3');
  assert.equal(toNode('TLS1.0'), 'TLSv1');
  assert.equal(fromNode('TLSv1.3'), 'TLS1.3');
  assert.equal(fromNode('TLSv9'), undefined);
  assert.equal(versionId('TLS1.2'), 0x0303);
});

test('isGrease recognises the 16 RFC 8701 values only', () => {
  const grease = Array.from({ length: 16 }, (_, i) => ((i << 4) | 0x0a) * 0x0101);
  for (const g of grease) assert.equal(isGrease(g), true, g.toString(16));
  assert.equal(isGrease(0x0a1a), false);
  assert.equal(isGrease(0x0303), false);
});
