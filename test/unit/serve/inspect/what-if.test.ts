// "What if" on a real post-quantum ClientHello (Node's, with X25519MLKEM768): each narrowed client
// gets the verdict the failure classifier gives, and the glossary explains every term the page links.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GLOSSARY, termHref } from '../../../../src/serve/inspect/glossary.ts';
import { whatIf } from '../../../../src/serve/inspect/what-if.ts';
import type { TlsPolicy } from '../../../../src/tls/policy.ts';
import { sniffClientHello } from '../../../../src/wire/index.ts';
import { readFixture } from '../../../fixtures/wire/capture.ts';

const bytes = readFixture('client-hello-node-mlkem');

const helloOf = () => {
  // The fixture is the record as Node sent it.
  const v = sniffClientHello(bytes, 1 << 16);
  assert.equal(v.kind, 'client-hello');
  return v.kind === 'client-hello' ? v.hello : undefined;
};

const modern: TlsPolicy = {
  profile: 'modern',
  minVersion: 'TLS1.3',
  maxVersion: 'TLS1.3',
  ciphers12: [],
  ciphers13: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'],
  groups: ['X25519MLKEM768', 'X25519'],
};

describe('inspect: what if', () => {
  it('a TLS 1.3-only policy refuses the TLS 1.2 and TLS 1.1 versions of the same client', () => {
    const hello = helloOf();
    assert.ok(hello);
    const w = whatIf(hello, modern, undefined);
    const by = (s: string) => w.find((x) => x.client.includes(s));
    assert.equal(by('TLS 1.2 only')?.reason, 'no_common_version');
    assert.equal(by('TLS 1.1')?.reason, 'no_common_version');
    assert.match(by('TLS 1.1')?.detail ?? '', /offered up to TLS1\.1/);
    assert.equal(by('TLS 1.3 only')?.outcome, 'accepted');
    // Its only key share was the hybrid one: without it, X25519 costs a HelloRetryRequest.
    assert.match(
      by('without post-quantum')?.detail ?? '',
      /negotiates TLS1\.3 with X25519 after a HelloRetryRequest/,
    );
  });

  it('every glossary entry has an id, text and a seed; message names resolve', () => {
    const ids = new Set(GLOSSARY.map((t) => t.id));
    assert.equal(ids.size, GLOSSARY.length, 'ids are unique');
    for (const t of GLOSSARY) assert.ok(t.text.length > 20 && t.seed.length > 3, t.id);
    for (const name of [
      'ClientHello',
      'ServerHello',
      'EncryptedExtensions',
      'Finished',
      'ChangeCipherSpec',
      'NewSessionTicket',
    ])
      assert.ok(termHref(name), name);
  });
});
