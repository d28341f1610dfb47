import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import tls from 'node:tls';
import {
  SIGNATURE_SCHEMES,
  schemeById,
  schemeByName,
  schemeByOpenssl,
} from '../../../src/tls/signature-schemes.ts';
import { makePki, makeTempDir } from '../../helpers/pki.ts';

test('RFC 8446 and ML-DSA code points', () => {
  assert.equal(schemeById(0x0403)?.name, 'ecdsa_secp256r1_sha256');
  assert.equal(schemeById(0x0804)?.openssl, 'RSA-PSS+SHA256');
  assert.equal(schemeById(0x0807)?.openssl, 'Ed25519+UNDEF');
  assert.equal(schemeById(0x0401)?.openssl, 'RSA+SHA256');
  assert.equal(schemeById(0x0904)?.name, 'mldsa44');
  assert.equal(schemeById(0x0905)?.name, 'mldsa65');
  assert.equal(schemeById(0x0906)?.name, 'mldsa87');
  assert.equal(schemeById(0x0201)?.weak, true);
  assert.equal(schemeById(0x0403)?.weak, false);
  assert.equal(new Set(SIGNATURE_SCHEMES.map((s) => s.id)).size, SIGNATURE_SCHEMES.length);
});

test('schemeByOpenssl prefers the common scheme when OpenSSL prints two alike', () => {
  assert.equal(schemeByOpenssl('RSA-PSS+SHA256')?.name, 'rsa_pss_rsae_sha256');
  assert.equal(schemeByOpenssl('ecdsa+sha256')?.name, 'ecdsa_secp256r1_sha256');
  assert.equal(schemeByName('ED25519')?.id, 0x0807);
});

test('what a real handshake prints in getSharedSigalgs() maps back to our schemes', async () => {
  const tmp = makeTempDir('sigalgs');
  try {
    const pki = await makePki(tmp.dir);
    const names = SIGNATURE_SCHEMES.filter((s) => !s.weak).map((s) => s.name);
    const printed = await new Promise<string[]>((resolve, reject) => {
      const server = tls.createServer(
        {
          cert: fs.readFileSync(pki.chains.ec.fullchainPath),
          key: fs.readFileSync(pki.chains.ec.keyPath),
          sigalgs: names.join(':'),
        },
        (socket) => {
          resolve(socket.getSharedSigalgs());
          socket.end();
        },
      );
      server.on('tlsClientError', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') return reject(new Error('no address'));
        const client = tls.connect({
          port: address.port,
          host: '127.0.0.1',
          ca: pki.rootPem,
          servername: 'example.test',
          sigalgs: names.join(':'),
        });
        client.on('secureConnect', () => client.end());
        client.on('error', () => {});
        client.on('close', () => server.close());
      });
    });
    assert.ok(printed.length >= 10, `only ${printed.length} shared`);
    for (const p of printed) assert.ok(schemeByOpenssl(p), `unmapped getSharedSigalgs() entry ${p}`);
    assert.ok(printed.includes('id-ml-dsa-65+UNDEF'), 'ML-DSA offered by both sides is printed');
  } finally {
    tmp.cleanup();
  }
});
