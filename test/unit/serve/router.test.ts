import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SitePlan } from '../../../src/config/plan.ts';
import { buildSiteIndex, routeSni } from '../../../src/serve/router.ts';

const site = (id: string, hosts: string[], isDefault = false) => ({
  plan: { id, hosts, isDefault } as unknown as SitePlan,
});
const a = site('a', ['a.test', '*.a.test']);
const b = site('b', ['x.a.test'], true);
const index = buildSiteIndex([a, b]);

test('an exact name wins over a wildcard that also matches', () => {
  assert.equal(routeSni(index, 'x.a.test', false).site, b);
  assert.equal(routeSni(index, 'y.a.test', false).site, a);
});

test('a wildcard covers one label only', () => {
  assert.equal(routeSni(index, 'z.y.a.test', false).site, b); // falls to the default
  assert.equal(routeSni(index, 'z.y.a.test', true).site, undefined);
});

test('no SNI goes to the default, or nowhere under strict SNI', () => {
  assert.equal(routeSni(index, undefined, false).site, b);
  assert.equal(routeSni(index, undefined, true).site, undefined);
});

test('a trailing dot is the same name', () => {
  assert.equal(routeSni(index, 'a.test.', true).site, a);
});
