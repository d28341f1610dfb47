import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestNames, didYouMean, editDistance } from '../../../src/tls/suggest.ts';

test('editDistance counts edits, case-insensitively, with transpositions as one', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('ABC', 'abc'), 0);
  assert.equal(editDistance('adress', 'address'), 1);
  assert.equal(editDistance('SHA265', 'SHA256'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('closestNames returns the nearest candidates first and drops far ones', () => {
  assert.deepEqual(closestNames('adress', ['name', 'address', 'sites']), ['address']);
  assert.deepEqual(closestNames('zzzzzz', ['name', 'address']), []);
  assert.deepEqual(closestNames('nme', ['name', 'names', 'game'], 2), ['name', 'game']);
});

test('didYouMean formats zero, one and several suggestions', () => {
  assert.equal(didYouMean([]), '');
  assert.equal(didYouMean(['a']), "; did you mean 'a'?");
  assert.equal(didYouMean(['a', 'b', 'c']), "; did you mean 'a', 'b' or 'c'?");
});
