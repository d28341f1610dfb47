// The per-offer summary (JA4 and the named offer) is computed once per distinct ClientHello offer:
// it must equal the direct computation, ignore what varies per connection (GREASE values, extension
// order, random, session id, SNI), and never merge two different offers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeOffer,
  helloJa4,
  helloOfferMembers,
  offerKey,
  offerMembers,
  offerSummary,
} from '../../../../src/serve/handshake/facts.ts';
import { type ClientHello, ja4 } from '../../../../src/wire/index.ts';
import { chromeLikeHello as chromeLike, emptyExtensions } from '../../../helpers/client-hello.ts';

describe('offer summary', () => {
  test('equals the direct computation, and is shared and frozen', () => {
    const hello = chromeLike();
    const summary = offerSummary(hello);
    assert.equal(summary.ja4, ja4(hello));
    assert.deepEqual(summary.offered, describeOffer(hello));
    assert.deepEqual(summary.offered.ciphers.slice(0, 2), [
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
    ]);
    assert.equal(
      offerSummary(chromeLike()).offered,
      summary.offered,
      'a second connection gets the same object',
    );
    assert.ok(Object.isFrozen(summary.offered) && Object.isFrozen(summary.offered.ciphers));
  });

  test('GREASE values, extension order, random, session id and SNI do not make a new entry', () => {
    const first = chromeLike();
    const shuffled = chromeLike({
      random: new Uint8Array(32).fill(7),
      sessionId: new Uint8Array(32).fill(9),
      serverName: 'b.test',
      cipherSuites: [0xdada, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f],
      extensions: emptyExtensions(0xeaea, 43, 45, 51, 18, 13, 5, 16, 35, 11, 10, 65281, 23, 0, 27, 0x9a9a),
      supportedVersions: [0xbaba, 0x0304, 0x0303],
      supportedGroups: [0x0a0a, 0x11ec, 29, 23, 24],
      keyShareGroups: [0x0a0a, 0x11ec, 29],
    });
    assert.equal(offerKey(shuffled), offerKey(first));
    assert.equal(offerSummary(shuffled), offerSummary(first));
    assert.equal(ja4(shuffled), ja4(first), 'JA4 agrees that they are the same offer');
  });

  test('any difference in what is offered makes a different entry', () => {
    const base = offerKey(chromeLike());
    const variants: Partial<ClientHello>[] = [
      { cipherSuites: [0x1301, 0x1302, 0x1303, 0xc02b] },
      { cipherSuites: [0x1302, 0x1301, 0x1303, 0xc02b, 0xc02f] },
      { extensions: emptyExtensions(0, 23, 65281, 10, 11, 35, 16, 5, 13, 18, 51, 45, 43) },
      { alpn: ['http/1.1'] },
      { alpn: ['h2', 'http/1.1', 'x'] },
      { supportedVersions: [0x0304] },
      { supportedGroups: [29, 23, 24] },
      { keyShareGroups: [29] },
      { signatureAlgorithms: [0x0804, 0x0403, 0x0401, 0x0503] },
      { legacyVersion: 0x0301 },
    ];
    const keys = new Set([base]);
    for (const v of variants) keys.add(offerKey(chromeLike(v)));
    assert.equal(keys.size, variants.length + 1);
    // The lookup compares whole keys under a hash: each variant gets its own summary, the right one.
    const summaries = new Set([offerSummary(chromeLike())]);
    for (const v of variants) {
      const summary = offerSummary(chromeLike(v));
      summaries.add(summary);
      assert.equal(summary.ja4, ja4(chromeLike(v)));
      assert.equal(offerSummary(chromeLike(v)), summary, 'found again');
    }
    assert.equal(summaries.size, variants.length + 1);
  });

  test('ALPN values are length-prefixed: ["ab","c"] and ["a","bc"] differ', () => {
    assert.notEqual(offerKey(chromeLike({ alpn: ['ab', 'c'] })), offerKey(chromeLike({ alpn: ['a', 'bc'] })));
  });

  test('bounded: after many distinct offers an old one is computed again, with the same result', () => {
    const first = chromeLike({ cipherSuites: [0x1301, 0x0001] });
    const before = offerSummary(first);
    for (let i = 0; i < 1100; i++) offerSummary(chromeLike({ cipherSuites: [0x1301, 0x0100 + i] }));
    const after = offerSummary(first);
    assert.notEqual(after, before, 'evicted and made again');
    assert.deepEqual(after.offered, before.offered);
    assert.equal(after.ja4, before.ja4);
  });
});

describe('offerMembers', () => {
  test('the offer as a JSON member, rendered once per distinct offer; signature algorithms named', () => {
    const summary = offerSummary(chromeLike());
    const text = offerMembers(summary);
    assert.deepEqual(JSON.parse(`{${text}}`), { offered: summary.offered });
    // Named like the chosen one (the signature-schemes registry), not raw hex.
    assert.ok(summary.offered.signature_algorithms.includes('ecdsa_secp256r1_sha256'));
    assert.ok(!summary.offered.signature_algorithms.some((s) => s.startsWith('0x')));
    assert.equal(offerMembers(offerSummary(chromeLike({ random: new Uint8Array(32).fill(9) }))), text);
    const other = offerSummary(chromeLike({ alpn: ['http/1.1'] }));
    assert.notEqual(offerMembers(other), text);
  });

  test('without a hello (a failure before it was read) there is no offer and no ja4', () => {
    assert.equal(helloOfferMembers(undefined), '');
    assert.equal(helloJa4(undefined), null);
    assert.equal(helloJa4(chromeLike()), offerSummary(chromeLike()).ja4);
    assert.equal(helloOfferMembers(chromeLike()), offerMembers(offerSummary(chromeLike())));
  });
});
