import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldIndex, parseFieldLines } from '../../../src/http/field-lines.ts';
import { H } from '../../../src/http/header-names.ts';

const section = (n: number): Buffer => {
  let s = '';
  for (let i = 0; i < n; i++) s += `x-f${i}: v${i}\r\n`;
  return Buffer.from(`${s}Via: 1.1 a\r\n\r\n`, 'latin1');
};

describe('FieldIndex', () => {
  test('starts small and grows while parsing, keeping every offset', () => {
    const fields = new FieldIndex(128, 4);
    assert.equal(fields.ids.length, 4);
    const buf = section(40);
    const end = parseFieldLines(buf, 0, fields);
    assert.equal(end, buf.length);
    assert.equal(fields.count, 41);
    assert.ok(fields.ids.length >= 41 && fields.ids.length <= 128);
    for (let i = 0; i < 40; i++) {
      assert.equal(buf.toString('latin1', fields.nameStart(i), fields.nameEnd(i)), `x-f${i}`);
      assert.equal(buf.toString('latin1', fields.valueStart(i), fields.valueEnd(i)), `v${i}`);
    }
    assert.equal(fields.id(40), H.via);
  });

  test('never beyond max: one field more is refused', () => {
    const fields = new FieldIndex(8, 2);
    assert.equal(typeof parseFieldLines(section(7), 0, fields), 'number', '8 fields fit');
    assert.notEqual(typeof parseFieldLines(section(8), 0, fields), 'number', '9 do not');
    assert.equal(fields.ids.length, 8);
  });
});
