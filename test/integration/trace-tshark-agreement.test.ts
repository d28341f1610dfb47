// Our decryption agrees byte for byte with tshark's on the same capture and key log (or RSA key):
// TLS 1.2 ECDHE-GCM, RSA-GCM from the private key alone, CBC-SHA (encrypt-then-MAC, as OpenSSL
// negotiates it), ChaCha20-Poly1305, TLS 1.3 AES-GCM and ChaCha20; a tampered record is a failed
// tag, never plaintext. The connections are real (Node's TLS on both ends); the pcap is ours.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type tls from 'node:tls';
import { decryptCapture } from '../../src/trace/capture.ts';
import type { TraceSession } from '../../src/trace/types.ts';
import { parseKeyLog } from '../../src/wire/keylog.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import {
  captureGet,
  capturePackets,
  type HttpsServer,
  hasTshark,
  NO_TSHARK,
  startHttpsServer,
  tsharkDecrypted,
  tsharkHttp,
  writeCapture,
} from './trace-harness.ts';

const ourDecrypted = (s: TraceSession): string[] =>
  s.records
    .filter((r) => r.encrypted && r.decrypted)
    .map((r) => Buffer.from(r.plaintext_b64 ?? '', 'base64').toString('hex'));

interface Case {
  readonly name: string;
  readonly key: 'ec' | 'rsa';
  readonly server: tls.TlsOptions;
  readonly version: string;
  readonly suite: string;
  /** Decrypt with the server's RSA key instead of a key log. */
  readonly rsaKeyOnly?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'TLS 1.2 ECDHE-ECDSA AES-128-GCM with a key log',
    key: 'ec',
    server: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
    version: 'TLS1.2',
    suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  },
  {
    name: 'TLS 1.2 RSA key exchange AES-128-GCM from the server private key alone',
    key: 'rsa',
    server: { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' },
    version: 'TLS1.2',
    suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
    rsaKeyOnly: true,
  },
  {
    name: 'TLS 1.2 ECDHE-RSA AES-128-CBC-SHA (encrypt-then-MAC) with a key log',
    key: 'rsa',
    server: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' },
    version: 'TLS1.2',
    suite: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  },
  {
    name: 'TLS 1.2 ECDHE-RSA ChaCha20-Poly1305 with a key log',
    key: 'rsa',
    server: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' },
    version: 'TLS1.2',
    suite: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  },
  {
    name: 'TLS 1.3 AES-128-GCM with a key log',
    key: 'ec',
    server: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
    version: 'TLS1.3',
    suite: 'TLS_AES_128_GCM_SHA256',
  },
  {
    name: 'TLS 1.3 AES-256-GCM (SHA-384) with a key log',
    key: 'ec',
    server: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
    version: 'TLS1.3',
    suite: 'TLS_AES_256_GCM_SHA384',
  },
  {
    name: 'TLS 1.3 ChaCha20-Poly1305 with a key log',
    key: 'rsa',
    server: { minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
    version: 'TLS1.3',
    suite: 'TLS_CHACHA20_POLY1305_SHA256',
  },
];

describe('decryption agrees with tshark', { skip: hasTshark ? false : NO_TSHARK }, () => {
  const tmp = makeTempDir('trace-tshark');
  let pki: Pki;
  before(async () => {
    pki = await makePki(tmp.dir);
  });
  after(() => tmp.cleanup());

  for (const c of CASES) {
    it(c.name, async () => {
      const chain = pki.chains[c.key];
      const server: HttpsServer = await startHttpsServer({
        cert: chain.fullchainPem,
        key: chain.keyPem,
        ...c.server,
      });
      try {
        const capture = await captureGet(server.port);
        const name = c.name.replaceAll(/[^a-z0-9]+/gi, '-');
        const files = writeCapture(tmp.dir, name, capturePackets(capture.chunks), capture.keyLogText);
        const result = decryptCapture(new Uint8Array(fs.readFileSync(files.pcap)), {
          ...(c.rsaKeyOnly
            ? { rsaKeys: [(await import('node:crypto')).createPrivateKey(chain.keyPem)] }
            : { keyLog: parseKeyLog(capture.keyLogText) }),
        });
        assert.ok(result.ok);
        const [session] = result.value.report.sessions;
        assert.ok(session);
        assert.equal(session.why_not, null);
        assert.equal(session.decrypted, true);
        assert.equal(session.version, c.version);
        assert.equal(session.suite, c.suite);
        const tsharkOpts = c.rsaKeyOnly ? { rsaKey: chain.keyPath } : { keylog: files.keylog };
        const theirs = await tsharkDecrypted(files.pcap, tsharkOpts);
        const ours = ourDecrypted(session);
        assert.ok(ours.length >= 5, `only ${ours.length} records decrypted`);
        assert.deepEqual(ours, theirs);
        // And both read the same HTTP exchange.
        assert.deepEqual(await tsharkHttp(files.pcap, tsharkOpts), ['GET', '200']);
        const http = session.records.filter((r) => r.http !== undefined).map((r) => r.http);
        assert.deepEqual(http, ['GET / HTTP/1.1', 'HTTP/1.1 200 OK']);
        const finished = session.records.flatMap((r) => r.details ?? []).filter((d) => d.name === 'Finished');
        assert.deepEqual(
          finished.map((f) => f.verified),
          [true, true],
        );
        if (c.rsaKeyOnly) {
          assert.match(session.key_schedule.source, /private key/);
          assert.ok(session.secrets['pre_master_secret']?.startsWith('0303'));
        }
      } finally {
        await server.close();
      }
    });
  }

  it('reports a tampered record as a failed tag, never as plaintext, where tshark shows nothing either', async () => {
    const chain = pki.chains.ec;
    const server = await startHttpsServer({
      cert: chain.fullchainPem,
      key: chain.keyPem,
      minVersion: 'TLSv1.3',
    });
    try {
      const capture = await captureGet(server.port);
      const clean = writeCapture(tmp.dir, 'clean', capturePackets(capture.chunks), capture.keyLogText);
      const keyLog = parseKeyLog(capture.keyLogText);
      const cleanSession = decryptCapture(new Uint8Array(fs.readFileSync(clean.pcap)), { keyLog });
      assert.ok(cleanSession.ok);
      const request = cleanSession.value.report.sessions[0]!.records.find((r) => r.http?.startsWith('GET'));
      assert.ok(request);
      // Flip one ciphertext byte of the record that carries the request.
      const requestPlain = Buffer.from(request.plaintext_b64 ?? '', 'base64').toString('hex');
      const at = capture.chunks.findIndex(
        (c) => c.dir === 'client' && c.data[0] === 0x17 && c.data.length === request.length + 5,
      );
      assert.ok(at > 0, 'found the request record');
      const chunks = capture.chunks.map((c, i) => {
        if (i !== at) return c;
        const data = c.data.slice();
        data[8]! ^= 0x01;
        return { ...c, data };
      });
      const tampered = capturePackets(chunks);
      const pcap = `${tmp.dir}/tampered.pcap`;
      writeCapture(tmp.dir, 'tampered', tampered);
      const result = decryptCapture(new Uint8Array(fs.readFileSync(pcap)), { keyLog });
      assert.ok(result.ok);
      const session = result.value.report.sessions[0]!;
      const bad = session.records.find((r) => r.tag_ok === false);
      assert.ok(bad, 'one record fails its tag');
      assert.equal(bad.dir, 'client');
      assert.equal(bad.plaintext_b64, undefined);
      assert.equal(bad.decrypted, false);
      assert.equal(session.decrypted, false);
      assert.match(session.why_not ?? '', /1 of \d+ encrypted records failed authentication/);
      assert.ok(!ourDecrypted(session).includes(requestPlain));
      const theirs = await tsharkDecrypted(pcap, { keylog: clean.keylog });
      assert.ok(!theirs.includes(requestPlain), 'tshark does not show the tampered record either');
      // Everything tshark decrypts, we decrypt too, in the same order; tshark stops reading the
      // client's direction after the bad record, we go on with the next sequence number.
      const ours = ourDecrypted(session);
      let from = 0;
      for (const t of theirs) {
        const found = ours.indexOf(t, from);
        assert.ok(found >= 0, `tshark's ${t.slice(0, 16)}… is missing from ours`);
        from = found + 1;
      }
      const after = session.records.slice(session.records.indexOf(bad) + 1).filter((r) => r.dir === 'client');
      assert.ok(
        after.every((r) => r.decrypted === true),
        'the client records after the bad one still open',
      );
    } finally {
      await server.close();
    }
  });
});
