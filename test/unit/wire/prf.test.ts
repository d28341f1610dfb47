// The TLS 1.2 PRF against OpenSSL's own TLS1-PRF (`openssl kdf`), the key block split, and
// Finished verify_data.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { toHex } from '../../../src/wire/bytes.ts';
import {
  extendedMasterSecret,
  finishedVerifyData12,
  keyBlock,
  masterSecretFromRandoms,
  prf,
} from '../../../src/wire/prf.ts';

const run = promisify(execFile);

async function opensslPrf(
  digest: string,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
) {
  const { stdout } = await run('openssl', [
    'kdf',
    '-keylen',
    String(length),
    '-kdfopt',
    `digest:${digest}`,
    '-kdfopt',
    `hexsecret:${toHex(secret)}`,
    '-kdfopt',
    `hexseed:${toHex(Uint8Array.from(label, (c) => c.charCodeAt(0)))}`,
    '-kdfopt',
    `hexseed:${toHex(seed)}`,
    'TLS1-PRF',
  ]);
  return stdout.trim().replaceAll(':', '').toLowerCase();
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('TLS 1.2 PRF', () => {
  it('matches the published P_SHA256 vector', () => {
    const out = prf(
      'sha256',
      Buffer.from('9bbe436ba940f017b17652849a71db35', 'hex'),
      'test label',
      Buffer.from('a0ba9f936cda311827a6f796ffd5198c', 'hex'),
      100,
    );
    assert.equal(
      toHex(out),
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa0' +
        '22f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  for (const [hash, digest] of [
    ['sha256', 'SHA256'],
    ['sha384', 'SHA384'],
  ] as const) {
    it(`agrees with openssl kdf TLS1-PRF (${digest}) on a master secret and a key block`, async () => {
      const pms = randomBytes(48);
      const cr = randomBytes(32);
      const sr = randomBytes(32);
      const ms = masterSecretFromRandoms(hash, pms, cr, sr);
      assert.equal(toHex(ms), await opensslPrf(digest, pms, 'master secret', Buffer.concat([cr, sr]), 48));
      const block = keyBlock(hash, ms, cr, sr, { macLength: 20, keyLength: 16, ivLength: 16 });
      const whole = await opensslPrf(digest, ms, 'key expansion', Buffer.concat([sr, cr]), 104);
      const parts = [
        block.client_write_mac_key,
        block.server_write_mac_key,
        block.client_write_key,
        block.server_write_key,
        block.client_write_iv,
        block.server_write_iv,
      ].map(toHex);
      assert.equal(parts.join(''), whole);
      assert.deepEqual(
        parts.map((p) => p.length / 2),
        [20, 20, 16, 16, 16, 16],
      );
    });
  }

  it('computes the extended master secret over the session hash (RFC 7627)', async () => {
    const pms = randomBytes(48);
    const sessionHash = randomBytes(32);
    assert.equal(
      toHex(extendedMasterSecret('sha256', pms, sessionHash)),
      await opensslPrf('SHA256', pms, 'extended master secret', sessionHash, 48),
    );
  });

  it('splits an AEAD key block into no MAC keys, write keys and 4-byte salts', () => {
    const b = keyBlock('sha256', new Uint8Array(48), new Uint8Array(32), new Uint8Array(32), {
      macLength: 0,
      keyLength: 16,
      ivLength: 4,
    });
    assert.equal(b.client_write_mac_key.length, 0);
    assert.equal(b.server_write_key.length, 16);
    assert.equal(b.client_write_iv.length, 4);
    assert.notDeepEqual(b.client_write_key, b.server_write_key);
  });

  it('makes 12 bytes of Finished verify_data that differ by sender', () => {
    const ms = new Uint8Array(48).fill(1);
    const h = new Uint8Array(32).fill(2);
    const c = finishedVerifyData12('sha256', ms, 'client', h);
    const s = finishedVerifyData12('sha256', ms, 'server', h);
    assert.equal(c.length, 12);
    assert.notDeepEqual(c, s);
    assert.equal(toHex(c), toHex(prf('sha256', ms, 'client finished', h, 12)));
    assert.equal(toHex(prf('sha256', ms, 'x', ascii(''), 0)), '');
  });
});
