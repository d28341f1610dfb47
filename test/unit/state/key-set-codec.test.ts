import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeTicketKeys,
  encodeTicketKeys,
  generateTicketKey,
  sameTicketKey,
} from '../../../src/state/index.ts';

test('a key set survives encoding', () => {
  const keys = [generateTicketKey(1000), generateTicketKey(2000)];
  const text = encodeTicketKeys(keys);
  const back = decodeTicketKeys(text);
  assert.ok(back.ok);
  assert.equal(back.value.length, 2);
  for (const [i, k] of back.value.entries()) assert.ok(sameTicketKey(k, keys[i]!));
  assert.equal(JSON.parse(text).v, 1);
});

test('anything else is a failure with a reason, never a throw', () => {
  const k = generateTicketKey(1).material.toString('base64');
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['null', /not an object/],
    ['{"v":2,"keys":[]}', /version 2/],
    ['{"v":1,"keys":[]}', /no list/],
    ['{"v":1,"keys":[{"k":1,"at":1}]}', /lacks/],
    ['{"v":1,"keys":[{"k":"AAAA","at":1}]}', /3 bytes, not 48/],
    [`{"v":1,"keys":[{"k":"${k}","at":1},{"k":"${k}","at":2}]}`, /repeats/],
    [`{"v":1,"keys":[null]}`, /lacks/],
  ];
  for (const [text, reason] of cases) {
    const r = decodeTicketKeys(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.error, reason);
  }
});
