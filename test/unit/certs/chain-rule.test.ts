import assert from 'node:assert/strict';
import type crypto from 'node:crypto';
import { test } from 'node:test';
import { type ChainTrust, chainVerdict } from '../../../src/certs/chain-rule.ts';

// The rule only looks at `ca`, `issuer` and what the trust callbacks say: fakes are enough.
const cert = (name: string, ca: boolean, issuer: string) =>
  ({ subject: name, ca, issuer }) as unknown as crypto.X509Certificate;
const trust = (roots: readonly string[]): ChainTrust => ({
  selfSigned: (c) => c.subject === c.issuer,
  issuedByTrustedRoot: (c) => roots.includes(c.issuer),
});
const leaf = cert('leaf', false, 'inter');
const inter = cert('inter', true, 'root');
const root = cert('root', true, 'root');

test('leaf + intermediate: anchored with a known root, unknown_root (complete) without', () => {
  assert.deepEqual(chainVerdict([leaf, inter], trust(['root'])), { kind: 'anchored', rootIncluded: false });
  assert.deepEqual(chainVerdict([leaf, inter], trust([])), {
    kind: 'unknown_root',
    lastIndex: 1,
    issuer: 'root',
  });
});

test('a leaf alone is a missing intermediate unless its issuer is a trusted root', () => {
  assert.equal(chainVerdict([leaf], trust([]))?.kind, 'missing_intermediate');
  assert.equal(chainVerdict([leaf], trust(['root']))?.kind, 'missing_intermediate');
  const direct = cert('leaf', false, 'root');
  assert.equal(chainVerdict([direct], trust([]))?.kind, 'missing_intermediate');
  assert.equal(chainVerdict([direct], trust(['root']))?.kind, 'anchored');
});

test('a root sent along is anchored (flagged); a self-signed leaf alone is anchored; empty is undefined', () => {
  assert.deepEqual(chainVerdict([leaf, inter, root], trust([])), { kind: 'anchored', rootIncluded: true });
  assert.deepEqual(chainVerdict([cert('me', false, 'me')], trust([])), {
    kind: 'anchored',
    rootIncluded: false,
  });
  assert.equal(chainVerdict([], trust([])), undefined);
});
