import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SiteChoice } from '../../../src/http/site-choice.ts';
import type { HttpSiteRuntime, SiteResolver } from '../../../src/http/types.ts';

const own: HttpSiteRuntime = { handler: () => ({ status: 200, headers: [], body: 'own' }) };
const other: HttpSiteRuntime = { handler: () => ({ status: 200, headers: [], body: 'other' }) };

const counting = () => {
  const asked: string[] = [];
  const resolver: SiteResolver = {
    own,
    resolve: (host) => {
      asked.push(host);
      return host.startsWith('b.') ? other : host.startsWith('x.') ? { misdirected: 'no' } : own;
    },
  };
  return { asked, choice: new SiteChoice(resolver) };
};

test('the same host again is answered from memory, from bytes or a string', () => {
  const { asked, choice } = counting();
  const buf = Buffer.from('xxa.test:8443', 'latin1');
  assert.equal(choice.forBytes(buf, 2, buf.length), own);
  assert.equal(choice.forBytes(Buffer.from('a.test:8443'), 0, 11), own);
  assert.equal(choice.forString('a.test:8443'), own);
  assert.deepEqual(asked, ['a.test:8443']);
});

test('another host is asked for, and remembered in turn', () => {
  const { asked, choice } = counting();
  assert.equal(choice.forString('a.test'), own);
  assert.equal(choice.forString('b.test'), other);
  assert.deepEqual(choice.forString('x.test'), { misdirected: 'no' });
  assert.deepEqual(choice.forString('x.test'), { misdirected: 'no' });
  assert.equal(choice.forBytes(Buffer.from('a.tesT'), 0, 6), own);
  assert.deepEqual(asked, ['a.test', 'b.test', 'x.test', 'a.tesT']);
});

test('without a resolver every request is the own site', () => {
  const choice = new SiteChoice(own);
  assert.equal(choice.own, own);
  assert.equal(choice.forString('anything'), own);
});
