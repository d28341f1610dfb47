// RFC 8448 §3 reproduced value by value: every secret, key, IV and Finished of the simple 1-RTT
// handshake, from the x25519 shared secret and the transcript, by our own HKDF.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { describe, it } from 'node:test';
import { toHex } from '../../../src/wire/bytes.ts';
import {
  deriveSecret,
  digest,
  earlySecret,
  finishedKey,
  finishedVerifyData,
  handshakeSecret,
  hkdfExpand,
  hkdfExtract,
  hkdfLabel,
  keySchedule,
  masterSecret,
  nextTrafficSecret,
  resumptionPsk,
  trafficKeys,
  transcriptHash,
} from '../../../src/wire/key-schedule.ts';
import { rfc8448 as v } from '../../fixtures/trace/rfc8448.ts';

const hex = (b: Uint8Array): string => toHex(b);
const same = (got: Uint8Array, name: string): void => assert.equal(hex(got), hex(v(name)), name);

function x25519(privateRaw: Uint8Array, publicRaw: Uint8Array): Uint8Array {
  // PKCS#8 / SPKI wrappers for raw X25519 keys (RFC 8410).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), privateRaw]);
  const spki = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), publicRaw]);
  return new Uint8Array(
    diffieHellman({
      privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
      publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    }),
  );
}

const messages = (...names: string[]): Uint8Array[] => names.map(v);
const SERVER_FLIGHT = [
  'client_hello',
  'server_hello',
  'encrypted_extensions',
  'certificate',
  'certificate_verify',
];

describe('TLS 1.3 key schedule against RFC 8448 §3', () => {
  it('HKDF-Extract(0, 0) is the early secret', () => {
    same(earlySecret('sha256'), 'early_secret');
    same(hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(32)), 'early_secret');
  });

  it('builds the HkdfLabel info strings the RFC prints', () => {
    same(hkdfLabel('derived', v('empty_hash'), 32), 'derived_info');
    same(hkdfLabel('c hs traffic', v('hello_hash'), 32), 'c_hs_traffic_info');
    same(hkdfLabel('key', new Uint8Array(0), 16), 'key_info');
    same(hkdfLabel('iv', new Uint8Array(0), 12), 'iv_info');
    same(hkdfLabel('finished', new Uint8Array(0), 32), 'finished_info');
  });

  it('derives "derived", the handshake secret and the master secret', () => {
    same(digest('sha256'), 'empty_hash');
    same(deriveSecret('sha256', v('early_secret'), 'derived', v('empty_hash')), 'derived_for_handshake');
    same(handshakeSecret('sha256', v('early_secret'), v('ecdhe_shared_secret')), 'handshake_secret');
    same(deriveSecret('sha256', v('handshake_secret'), 'derived', v('empty_hash')), 'derived_for_master');
    same(masterSecret('sha256', v('handshake_secret')), 'master_secret');
  });

  it('gets the x25519 shared secret from either side’s key pair', () => {
    same(x25519(v('client_private_key'), v('server_public_key')), 'ecdhe_shared_secret');
    same(x25519(v('server_private_key'), v('client_public_key')), 'ecdhe_shared_secret');
  });

  it('hashes the transcript at each point the RFC shows', () => {
    same(transcriptHash('sha256', messages('client_hello', 'server_hello')), 'hello_hash');
    same(transcriptHash('sha256', messages(...SERVER_FLIGHT, 'server_finished')), 'server_finished_hash');
    same(
      transcriptHash('sha256', messages(...SERVER_FLIGHT, 'server_finished', 'client_finished')),
      'client_finished_hash',
    );
  });

  it('derives every traffic secret, the exporter and the resumption master secret', () => {
    const s = keySchedule({
      hash: 'sha256',
      sharedSecret: v('ecdhe_shared_secret'),
      helloHash: v('hello_hash'),
      serverFinishedHash: v('server_finished_hash'),
      clientFinishedHash: v('client_finished_hash'),
    });
    same(s.early_secret, 'early_secret');
    same(s.handshake_secret, 'handshake_secret');
    same(s.master_secret, 'master_secret');
    same(s.client_handshake_traffic_secret, 'client_handshake_traffic_secret');
    same(s.server_handshake_traffic_secret, 'server_handshake_traffic_secret');
    same(s.client_application_traffic_secret_0, 'client_application_traffic_secret_0');
    same(s.server_application_traffic_secret_0, 'server_application_traffic_secret_0');
    same(s.exporter_master_secret, 'exporter_master_secret');
    assert.ok(s.resumption_master_secret);
    same(s.resumption_master_secret, 'resumption_master_secret');
  });

  it('derives the write keys and IVs of both directions in both phases', () => {
    const keys = (secret: string) => trafficKeys('sha256', v(secret), 16);
    const sh = keys('server_handshake_traffic_secret');
    same(sh.key, 'server_handshake_write_key');
    same(sh.iv, 'server_handshake_write_iv');
    const ch = keys('client_handshake_traffic_secret');
    same(ch.key, 'client_handshake_write_key');
    same(ch.iv, 'client_handshake_write_iv');
    const sa = keys('server_application_traffic_secret_0');
    same(sa.key, 'server_application_write_key');
    same(sa.iv, 'server_application_write_iv');
    const ca = keys('client_application_traffic_secret_0');
    same(ca.key, 'client_application_write_key');
    same(ca.iv, 'client_application_write_iv');
  });

  it('computes both Finished keys and verify_data', () => {
    same(finishedKey('sha256', v('server_handshake_traffic_secret')), 'server_finished_key');
    same(finishedKey('sha256', v('client_handshake_traffic_secret')), 'client_finished_key');
    const serverTranscript = transcriptHash('sha256', messages(...SERVER_FLIGHT));
    same(
      finishedVerifyData('sha256', v('server_handshake_traffic_secret'), serverTranscript),
      'server_finished_verify_data',
    );
    same(
      finishedVerifyData('sha256', v('client_handshake_traffic_secret'), v('server_finished_hash')),
      'client_finished_verify_data',
    );
  });

  it('derives the ticket PSK from the resumption master secret and the ticket nonce', () => {
    same(
      resumptionPsk('sha256', v('resumption_master_secret'), Uint8Array.of(0, 0)),
      'resumption_psk_nonce_0000',
    );
  });

  it('HKDF matches RFC 5869 test case 1', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = Uint8Array.from({ length: 13 }, (_, i) => i);
    const info = Uint8Array.from({ length: 10 }, (_, i) => 0xf0 + i);
    const prk = hkdfExtract('sha256', salt, ikm);
    assert.equal(hex(prk), '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    assert.equal(
      hex(hkdfExpand('sha256', prk, info, 42)),
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('steps a traffic secret for KeyUpdate and agrees with a SHA-384 run of Node’s own HKDF', async () => {
    const { hkdfSync } = await import('node:crypto');
    const secret = new Uint8Array(48).fill(7);
    const info = hkdfLabel('traffic upd', new Uint8Array(0), 48);
    const expected = new Uint8Array(hkdfSync('sha384', secret, new Uint8Array(0), info, 48));
    // hkdfSync extracts first; expanding from the PRK of (salt 0, secret) must equal our Expand over that PRK.
    const prk = hkdfExtract('sha384', new Uint8Array(0), secret);
    assert.equal(hex(hkdfExpand('sha384', prk, info, 48)), hex(expected));
    assert.equal(nextTrafficSecret('sha384', secret).length, 48);
  });
});
