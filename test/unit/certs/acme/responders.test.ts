import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { createMemoryChallengeStore } from '../../../../src/certs/acme/challenge-store.ts';
import {
  answerHttp01,
  challengeKey,
  createChallengeResponder,
  http01Response,
  http01Token,
  offersAcmeTlsAlpn,
  tlsAlpn01Certificate,
} from '../../../../src/certs/acme/responders.ts';
import {
  acmeIdentifierValue,
  createTlsAlpn01Certificate,
} from '../../../../src/certs/acme/tls-alpn-certificate.ts';
import { createTlsAlpn01Server } from '../../../../src/certs/acme/tls-alpn-server.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const run = promisify(execFile);
const tmp = makeTempDir('responders');
after(() => tmp.cleanup());

test('HTTP-01 tokens: only base64url under /.well-known/acme-challenge/', () => {
  assert.equal(
    http01Token('/.well-known/acme-challenge/LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0'),
    'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0',
  );
  assert.equal(http01Token('/.well-known/acme-challenge/'), undefined);
  assert.equal(http01Token('/.well-known/acme-challenge/a/../b'), undefined);
  assert.equal(http01Token('/.well-known/acme-challenge/abc?x=1'), undefined);
  assert.equal(http01Token('/index.html'), undefined);
});

test('port 80 answers: key authorization, 404 for unknown tokens, 405 for other methods, undefined elsewhere', async () => {
  const store = createMemoryChallengeStore();
  await store.set(challengeKey.http01('tok'), 'tok.thumbprint', 60_000);
  assert.equal(await http01Response(store, 'tok'), 'tok.thumbprint');
  assert.deepEqual(await answerHttp01(store, 'GET', '/.well-known/acme-challenge/tok'), {
    status: 200,
    contentType: 'text/plain',
    body: 'tok.thumbprint',
  });
  assert.equal((await answerHttp01(store, 'GET', '/.well-known/acme-challenge/nope'))?.status, 404);
  assert.equal((await answerHttp01(store, 'GET', '/.well-known/acme-challenge/../x'))?.status, 404);
  assert.equal((await answerHttp01(store, 'POST', '/.well-known/acme-challenge/tok'))?.status, 405);
  assert.equal(await answerHttp01(store, 'GET', '/'), undefined, 'not ours: the listener redirects');
});

test('acme-tls/1 is recognised in an ALPN offer', () => {
  assert.equal(offersAcmeTlsAlpn(['acme-tls/1']), true);
  assert.equal(offersAcmeTlsAlpn(['h2', 'http/1.1']), false);
  assert.equal(offersAcmeTlsAlpn(undefined), false);
});

test('the TLS-ALPN-01 certificate: one SAN, critical acmeIdentifier with SHA-256 of the key authorization (openssl reads it)', async () => {
  const keyAuthorization =
    'evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI';
  const cert = await createTlsAlpn01Certificate('alpn.test', keyAuthorization);
  const x = new crypto.X509Certificate(cert.certPem);
  assert.equal(x.subjectAltName, 'DNS:alpn.test');
  assert.ok(x.checkPrivateKey(crypto.createPrivateKey(cert.keyPem)));
  const file = path.join(tmp.dir, 'alpn.pem');
  fs.writeFileSync(file, cert.certPem);
  const { stdout } = await run('openssl', ['x509', '-in', file, '-noout', '-text']);
  assert.match(stdout, /1\.3\.6\.1\.5\.5\.7\.1\.31: critical/);
  const digest = crypto.createHash('sha256').update(keyAuthorization).digest('hex').toUpperCase();
  const asn1 = (await run('openssl', ['asn1parse', '-in', file])).stdout;
  const ext = /:1\.3\.6\.1\.5\.5\.7\.1\.31\n.*BOOLEAN\s+:255\n.*OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/.exec(
    asn1,
  );
  assert.equal(ext?.[1], `0420${digest}`, 'critical, and the value is OCTET STRING(32) of the digest');
  assert.equal(acmeIdentifierValue(keyAuthorization).toString('hex').toUpperCase(), `0420${digest}`);
});

test('tlsAlpn01Certificate looks the SNI name up (any case) and refuses junk', async () => {
  const store = createMemoryChallengeStore();
  const cert = await createTlsAlpn01Certificate('alpn.test', 'k.a');
  await store.set(challengeKey.tlsAlpn01('alpn.test'), JSON.stringify(cert), 60_000);
  assert.deepEqual(await tlsAlpn01Certificate(store, 'ALPN.test'), cert);
  assert.equal(await tlsAlpn01Certificate(store, 'other.test'), undefined);
  assert.equal(await tlsAlpn01Certificate(store, undefined), undefined);
  await store.set(challengeKey.tlsAlpn01('junk.test'), 'not json', 60_000);
  assert.equal(await tlsAlpn01Certificate(store, 'junk.test'), undefined);
});

test('the acme-tls/1 server: the challenge certificate and ALPN acme-tls/1 for a pending name, a failed handshake otherwise', async () => {
  const store = createMemoryChallengeStore();
  const cert = await createTlsAlpn01Certificate('pending.test', 'tok.thumb');
  await store.set(challengeKey.tlsAlpn01('pending.test'), JSON.stringify(cert), 60_000);
  const seen: [string, boolean][] = [];
  const server = createTlsAlpn01Server(store, {
    onValidation: (name, answered) => seen.push([name, answered]),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const connect = (servername: string): Promise<{ alpn: string | false; san: string }> =>
    new Promise((resolve, reject) => {
      const s = tls.connect(
        { host: '127.0.0.1', port, servername, ALPNProtocols: ['acme-tls/1'], rejectUnauthorized: false },
        () => {
          resolve({ alpn: s.alpnProtocol ?? false, san: s.getPeerCertificate().subjectaltname ?? '' });
          s.end();
        },
      );
      s.on('error', reject);
    });
  try {
    assert.deepEqual(await connect('pending.test'), { alpn: 'acme-tls/1', san: 'DNS:pending.test' });
    await assert.rejects(connect('other.test'));
    assert.deepEqual(seen, [
      ['pending.test', true],
      ['other.test', false],
    ]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('a responder bound to one store', async () => {
  const store = createMemoryChallengeStore();
  await store.set(challengeKey.http01('t1'), 't1.k', 60_000);
  const responder = createChallengeResponder(store);
  assert.equal(await responder.http01Response('t1'), 't1.k');
  assert.equal((await responder.answerHttp01('GET', '/.well-known/acme-challenge/t1'))?.body, 't1.k');
  assert.equal(await responder.tlsAlpn01Certificate('x.test'), undefined);
});
