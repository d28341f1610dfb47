import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClientHello } from '../../../src/wire/client-hello.ts';
import { Ext } from '../../../src/wire/extensions.ts';
import { highestOfferedVersion, offeredVersions } from '../../../src/wire/offered-versions.ts';
import { isGrease, versionRank } from '../../../src/wire/versions.ts';
import { helloBody } from './helpers.ts';

const hello = (...args: Parameters<typeof helloBody>) => {
  const r = parseClientHello(helloBody(...args));
  assert.ok(r.ok);
  return r.value;
};

describe('isGrease', () => {
  it('is true for exactly the sixteen RFC 8701 values', () => {
    const grease: number[] = [];
    for (let v = 0; v <= 0xffff; v++) if (isGrease(v)) grease.push(v);
    assert.deepEqual(
      grease,
      Array.from({ length: 16 }, (_, i) => i * 0x1010 + 0x0a0a),
    );
    assert.equal(isGrease(0x0a1a), false);
    assert.equal(isGrease(0x0303), false);
  });
});

describe('offeredVersions', () => {
  it('uses supported_versions without GREASE when present', () => {
    const h = hello({ extensions: [Ext.supportedVersions([0x3a3a, 0x0304, 0x0303])] });
    assert.deepEqual(offeredVersions(h), [0x0304, 0x0303]);
    assert.equal(highestOfferedVersion(h), 0x0304);
  });

  it('without it, offers SSL 3.0 up to legacy_version (at most TLS 1.2)', () => {
    assert.deepEqual(offeredVersions(hello({ legacyVersion: 0x0302 })), [0x0300, 0x0301, 0x0302]);
    assert.deepEqual(offeredVersions(hello({ legacyVersion: 0x0304 })), [0x0300, 0x0301, 0x0302, 0x0303]);
    assert.deepEqual(offeredVersions(hello({ legacyVersion: 0x0200 })), []);
    assert.equal(highestOfferedVersion(hello({ legacyVersion: 0x0200 })), undefined);
  });

  it('treats an empty supported_versions as offering nothing', () => {
    assert.deepEqual(offeredVersions(hello({ extensions: [Ext.supportedVersions([])] })), []);
  });

  it('ranks DTLS versions by meaning', () => {
    assert.ok(versionRank(0xfefc) > versionRank(0xfefd));
    assert.ok(versionRank(0xfefd) > versionRank(0xfeff));
    assert.ok(versionRank(0x0304) > versionRank(0x0303));
  });
});
