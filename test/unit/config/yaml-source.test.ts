import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPath, joinPath, parsePath, parseYaml } from '../../../src/config/yaml-source.ts';

const text = `# comment
listeners:
  - name: a
    address: ":1"
    sites:
      - hosts: [x.test,
          y.test]
        certificates:
          - cert: a.pem
            key: b.pem
`;

test('lineOf points at keys, list items and scalars', () => {
  const src = parseYaml(text);
  assert.deepEqual(src.problems, []);
  assert.equal(src.lineOf([]), 2);
  assert.equal(src.lineOf(['listeners']), 2);
  assert.equal(src.lineOf(['listeners', 0]), 3);
  assert.equal(src.lineOf(['listeners', 0, 'address']), 4);
  assert.equal(src.lineOf(['listeners', 0, 'sites', 0, 'hosts', 1]), 7);
  assert.equal(src.lineOf(['listeners', 0, 'sites', 0, 'certificates', 0, 'key']), 10);
  // missing keys fall back to the deepest existing node
  assert.equal(src.lineOf(['listeners', 0, 'sites', 0, 'tls', 'ciphers']), 6);
});

test('syntax errors and duplicate keys are problems with lines, not exceptions', () => {
  const bad = parseYaml('a: 1\nb: [1, 2\nc: 3\n');
  assert.equal(bad.value, undefined);
  assert.ok(bad.problems.length > 0);
  assert.ok(bad.problems.every((p) => p.severity === 'error' && p.line !== undefined));

  const dup = parseYaml('a: 1\nb: 2\na: 3\n');
  assert.equal(dup.problems[0]?.line, 3);
  assert.match(dup.problems[0]?.hint ?? '', /each key may appear once/);
});

test('aliases are bounded (no billion laughs)', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(', ')}]`,
    );
  const r = parseYaml(bomb.join('\n'));
  assert.equal(r.value, undefined);
  assert.match(r.problems[0]?.message ?? '', /alias/i);
});

test('paths format and parse both ways', () => {
  const keys = ['listeners', 0, 'sites', 12, 'certificates', 0, 'cert'];
  assert.equal(formatPath(keys), 'listeners[0].sites[12].certificates[0].cert');
  assert.deepEqual(parsePath('listeners[0].sites[12].certificates[0].cert'), keys);
  assert.equal(joinPath('listeners[0].tls', ''), 'listeners[0].tls');
  assert.equal(joinPath('listeners[0].tls', 'ciphers[1]'), 'listeners[0].tls.ciphers[1]');
  assert.equal(joinPath('', 'keylog'), 'keylog');
});
