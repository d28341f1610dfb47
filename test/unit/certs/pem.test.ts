import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikeDer, pemBlocks } from '../../../src/certs/pem.ts';

test('pemBlocks finds labelled blocks and encrypted headers', () => {
  const text = [
    'junk before',
    '-----BEGIN CERTIFICATE-----',
    'QUJD',
    '-----END CERTIFICATE-----',
    '-----BEGIN RSA PRIVATE KEY-----',
    'Proc-Type: 4,ENCRYPTED',
    'DEK-Info: AES-128-CBC,00',
    '',
    'QUJD',
    '-----END RSA PRIVATE KEY-----',
  ].join('\r\n');
  const blocks = pemBlocks(text);
  assert.deepEqual(
    blocks.map((b) => [b.label, b.encryptedHeader]),
    [
      ['CERTIFICATE', false],
      ['RSA PRIVATE KEY', true],
    ],
  );
  assert.equal(blocks[0]?.text, '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n');
  assert.deepEqual(pemBlocks('-----BEGIN CERTIFICATE-----\nQUJD\n-----END PRIVATE KEY-----'), []);
});

test('looksLikeDer spots an ASN.1 SEQUENCE', () => {
  assert.equal(looksLikeDer(Buffer.from([0x30, 0x82, 0x01, 0x0a])), true);
  assert.equal(looksLikeDer(Buffer.from('-----BEGIN')), false);
});
