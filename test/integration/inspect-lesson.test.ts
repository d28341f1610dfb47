// The inspect page shows the visitor's own connection (issue 19): the secrets it shows decrypt the
// very records that crossed the wire (recorded here by a relay of the test's own, opened with the
// project's key schedule), another connection never sees them, TLS 1.2 works alike, and "what if"
// gives the reason a real narrower client gets logged.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { type AeadSpec, open13, readRecords, trafficKeys } from '../../src/wire/index.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let port12 = 0;

interface Lesson {
  recorded: boolean;
  session: {
    version: string;
    suite: string;
    decrypted: boolean;
    secrets: Record<string, string>;
    records: { dir: string; encrypted: boolean; decrypted?: boolean }[];
  };
  forward_secrecy: { value: boolean };
  resumed: { value: boolean; by?: string };
  chain: { subject: string }[];
  trust: string;
  what_if: { client: string; outcome: string; reason?: string }[];
}

before(async () => {
  tmp = makeTempDir('inspect-lesson');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const ec = `certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]`;
  const rsa = `certificates: [{ cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }]`;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  port12 = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  serve = await startServe(
    tmp.dir,
    `${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    tls: { profile: modern }
    sites:
      - hosts: [example.test]
        ${ec}
        handler: inspect
  - address: 127.0.0.1:${port12}
    tls: { max_version: TLS1.2 }
    sites:
      - hosts: [example.test]
        ${rsa}
        handler: inspect
`,
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

/** A TCP relay that keeps every byte both ways, for the test's own view of the wire. */
async function recordingRelay(
  target: number,
): Promise<{ port: number; bytes: { client: Buffer[]; server: Buffer[] }; close(): void }> {
  const bytes = { client: [] as Buffer[], server: [] as Buffer[] };
  const server = net.createServer((c) => {
    const u = net.connect(target, '127.0.0.1');
    c.on('data', (d: Buffer) => {
      bytes.client.push(d);
      u.write(d);
    });
    u.on('data', (d: Buffer) => {
      bytes.server.push(d);
      c.write(d);
    });
    c.on('end', () => u.end());
    u.on('end', () => c.end());
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, bytes, close: () => server.close() };
}

/** GET over a fresh TLS connection; the whole response (Connection: close). */
function get(port: number, target: string, options: tls.ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'example.test',
      ca: pki.rootPem,
      ALPNProtocols: ['http/1.1'],
      ...options,
    });
    let out = '';
    s.setEncoding('latin1');
    s.on('secureConnect', () =>
      s.write(
        `GET ${target} HTTP/1.1\r\nHost: example.test\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
      ),
    );
    s.on('data', (d: string) => {
      out += d;
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
    setTimeout(() => s.destroy(new Error('timeout')), 15_000).unref();
  });
}

const lessonOf = (response: string): Lesson => {
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  // chunked or not: the JSON object is the text between the first { and the last }
  return (JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) as { lesson: Lesson }).lesson;
};

/** Every application-data record of one direction opened with a TLS 1.3 traffic secret. */
function openAll(stream: Buffer, secretHex: string): { plaintext: Buffer; opened: number } {
  const spec: AeadSpec = { kind: 'aead', algorithm: 'aes-128-gcm', keyLength: 16, tagLength: 16 };
  const { key, iv } = trafficKeys('sha256', Buffer.from(secretHex, 'hex'), 16);
  let seq = 0;
  const parts: Buffer[] = [];
  for (const r of readRecords(stream).records) {
    if (r.header.type !== 23) continue;
    const header = stream.subarray(r.offset, r.offset + 5);
    const opened = open13(spec, key, iv, seq, header, r.fragment);
    // Handshake-epoch records do not open under the application key: they come first.
    if (!opened.ok) continue;
    seq++;
    if (opened.value.contentType === 23) parts.push(Buffer.from(opened.value.content));
  }
  return { plaintext: Buffer.concat(parts), opened: seq };
}

describe('inspect: your own connection', () => {
  it("TLS 1.3: the page's secrets open the records that crossed the wire, both ways", async () => {
    const relay = await recordingRelay(serve.port);
    try {
      const response = await get(relay.port, '/', { ciphers: 'TLS_AES_128_GCM_SHA256' });
      const lesson = lessonOf(response);
      assert.equal(lesson.recorded, true);
      assert.equal(lesson.session.version, 'TLS1.3');
      assert.equal(lesson.session.decrypted, true, 'the server decoded its own records with the secrets');
      const secrets = lesson.session.secrets;
      const fromServer = openAll(
        Buffer.concat(relay.bytes.server),
        secrets['server_application_traffic_secret_0'] ?? '',
      );
      // The response this page came in, as the client read it, is what the shown secret decrypts.
      assert.ok(fromServer.opened > 0, 'no server record opened with the shown secret');
      assert.equal(fromServer.plaintext.toString('latin1'), response);
      const fromClient = openAll(
        Buffer.concat(relay.bytes.client),
        secrets['client_application_traffic_secret_0'] ?? '',
      );
      assert.match(fromClient.plaintext.toString('latin1'), /^GET \/ HTTP\/1\.1\r\nHost: example\.test/);
      // The ladder the page draws holds the handshake both ways and the request.
      assert.ok(lesson.session.records.some((r) => r.dir === 'server' && r.encrypted && r.decrypted));
      assert.ok(lesson.session.records.length >= 6);
      assert.equal(lesson.forward_secrecy.value, true);
      assert.match(lesson.chain[0]?.subject ?? '', /CN=/);
    } finally {
      relay.close();
    }
  });

  it("a second connection never sees the first one's secrets", async () => {
    const a = lessonOf(await get(serve.port, '/'));
    const bText = await get(serve.port, '/');
    const b = lessonOf(bText);
    for (const secret of Object.values(a.session.secrets)) assert.ok(!bText.includes(secret));
    assert.notEqual(
      a.session.secrets['client_handshake_traffic_secret'],
      b.session.secrets['client_handshake_traffic_secret'],
    );
  });

  it('TLS 1.2: the same lesson, with the master secret and ECDHE forward secrecy', async () => {
    const lesson = lessonOf(await get(port12, '/?format=json'));
    assert.equal(lesson.session.version, 'TLS1.2');
    assert.equal(lesson.session.decrypted, true);
    assert.ok(lesson.session.secrets['master_secret'], JSON.stringify(lesson.session.secrets));
    assert.equal(lesson.forward_secrecy.value, true);
  });

  it('HTML: the ladder, the key schedule and linked terms', async () => {
    const r = await run('curl', [
      '-s',
      '--cacert',
      pki.rootPath,
      '--resolve',
      `example.test:${serve.port}:127.0.0.1`,
      `https://example.test:${serve.port}/`,
    ]);
    assert.match(r.stdout, /Your TLS connection, illustrated/);
    assert.match(r.stdout, /<a href="#term-client-hello">ClientHello<\/a>/);
    assert.match(r.stdout, /key schedule/);
    assert.match(r.stdout, /id="term-forward-secrecy"/);
    assert.match(r.stdout, /What if your client were narrower/);
  });

  it('"what if" names the reason a real narrower client is logged with', async () => {
    // On the TLS 1.3-only listener, a TLS 1.2 client: what-if and a real openssl agree.
    const lesson = lessonOf(await get(serve.port, '/'));
    const tls12 = lesson.what_if.find((w) => w.client.includes('TLS 1.2 only'));
    assert.equal(tls12?.outcome, 'refused');
    await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${serve.port}`, '-servername', 'example.test', '-tls1_2'],
      {
        input: '',
      },
    );
    const real = await serve.waitFor(
      (e) => e['event'] === 'handshake_failed' && e['reason'] === tls12?.reason,
      10_000,
    );
    assert.equal(real['reason'], 'no_common_version');
    // An RSA-only client against this ECDSA-only site: the signature algorithm reason, both ways.
    const rsaOnly = lesson.what_if.find((w) => w.client.includes('RSA signature algorithms only'));
    assert.equal(rsaOnly?.outcome, 'refused');
    await run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${serve.port}`,
        '-servername',
        'example.test',
        '-sigalgs',
        'rsa_pss_rsae_sha256:rsa_pkcs1_sha256',
      ],
      { input: '' },
    );
    const realSig = await serve.waitFor(
      (e) => e['event'] === 'handshake_failed' && e['reason'] === rsaOnly?.reason,
      10_000,
    );
    assert.equal(realSig['reason'], rsaOnly?.reason);
  });
});
