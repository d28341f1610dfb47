// `tlsterm trace` and `tlsterm decrypt` as a user runs them: against openssl s_server, with JSON,
// text and HTML output, the secrets warning on stderr, exit codes, and the forward-secrecy
// explanation when only the server's private key is given.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TraceReport } from '../../src/trace/types.ts';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { startOpensslServer } from './trace-harness.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/tlsterm', import.meta.url).pathname;

async function tlsterm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tlsterm trace against openssl s_server', () => {
  const tmp = makeTempDir('trace-cli');
  let pki: Pki;
  let port: number;
  let server: ChildProcess;
  before(async () => {
    pki = await makePki(tmp.dir);
    port = await freePort();
    server = await startOpensslServer(port, [
      '-cert',
      pki.chains.rsa.certPath,
      '-key',
      pki.chains.rsa.keyPath,
      '-cert_chain',
      pki.intermediatePath,
      '-www',
    ]);
  });
  after(() => {
    server.kill();
    tmp.cleanup();
  });

  it('prints the TLS 1.3 ladder with every record decrypted up to the HTTP response, exit 0', async () => {
    const r = await tlsterm(['trace', `127.0.0.1:${port}`, '--request', 'GET /', '--sni', 'example.test']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /contains TLS session secrets/);
    assert.match(r.stdout, /TLS1\.3 · TLS_AES_256_GCM_SHA384/);
    assert.match(r.stdout, /decrypted: yes/);
    assert.match(r.stdout, /SNI example\.test/);
    for (const label of [
      'ClientHello',
      'ServerHello',
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'NewSessionTicket',
    ])
      assert.match(r.stdout, new RegExp(`─ ${label} ─|─ ${label} ─`), label);
    assert.match(r.stdout, /GET \/ HTTP\/1\.1/);
    assert.match(r.stdout, /HTTP\/1\.0 200 ok/);
    assert.match(r.stdout, /verify_data [0-9a-f]+… ✓ matches our computation/);
    assert.match(r.stdout, /client_handshake_traffic_secret +[0-9a-f]{96}/);
    assert.match(r.stdout, /CN=localhost/);
  });

  it('gives the JSON the issue asks for, with TLS 1.2 CBC keys and the key block split', async () => {
    const r = await tlsterm([
      'trace',
      `127.0.0.1:${port}`,
      '--tls1.2',
      '--cipher',
      'ECDHE-RSA-AES128-SHA',
      '--request',
      'GET /',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as TraceReport;
    const [s] = report.sessions;
    assert.ok(s);
    assert.equal(s.version, 'TLS1.2');
    assert.equal(s.suite, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA');
    assert.equal(s.decrypted, true);
    assert.equal(s.why_not, null);
    assert.match(s.client, /^127\.0\.0\.1:\d+$/);
    assert.equal(s.server, `127.0.0.1:${port}`);
    assert.deepEqual(Object.keys(s.keys), [
      'client_write_mac_key',
      'server_write_mac_key',
      'client_write_key',
      'server_write_key',
      'client_write_iv',
      'server_write_iv',
    ]);
    assert.equal(s.keys['client_write_mac_key']?.length, 40);
    assert.equal(s.secrets['master_secret']?.length, 96);
    const fin = s.records.find((r) => r.dir === 'client' && r.messages?.includes('Finished'));
    assert.equal(fin?.seq, 0);
    assert.equal(fin?.type, 'handshake');
    const response = s.records.find((r) => r.dir === 'server' && r.type === 'application_data');
    assert.match(Buffer.from(response?.plaintext_b64 ?? '', 'base64').toString(), /^HTTP\/1\.0 200 ok/);
  });

  it('writes a self-contained HTML page, and a pcap and key log that decrypt reads back', async () => {
    const html = path.join(tmp.dir, 'trace.html');
    const pcap = path.join(tmp.dir, 'live.pcap');
    const keys = path.join(tmp.dir, 'live.keys');
    const r = await tlsterm([
      'trace',
      `127.0.0.1:${port}`,
      '--request',
      'GET /',
      '--format',
      'html',
      '-o',
      html,
      '--pcap',
      pcap,
      '--keylog-out',
      keys,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /contains TLS session secrets/);
    assert.doesNotMatch(page, /<script|https?:\/\/(?!127)/);
    assert.match(page, /GET \/ HTTP\/1\.1 →/);
    assert.equal(fs.statSync(keys).mode & 0o777, 0o600);
    const d = await tlsterm(['decrypt', pcap, '--keylog', keys, '--format', 'json']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((JSON.parse(d.stdout) as TraceReport).sessions[0]?.decrypted, true);
  });

  it('explains forward secrecy when decrypt only has the server private key', async () => {
    const pcap = path.join(tmp.dir, 'fs.pcap');
    const r = await tlsterm([
      'trace',
      `127.0.0.1:${port}`,
      '--tls1.2',
      '--cipher',
      'ECDHE-RSA-AES128-GCM-SHA256',
      '--pcap',
      pcap,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = await tlsterm(['decrypt', pcap, '--key', pki.chains.rsa.keyPath, '--format', 'json']);
    assert.equal(d.code, 2);
    const s = (JSON.parse(d.stdout) as TraceReport).sessions[0]!;
    assert.equal(s.decrypted, false);
    assert.match(
      s.why_not ?? '',
      /ECDHE key exchange: the server's private key only signs the handshake, so it cannot decrypt this session \(forward secrecy\)/,
    );
    const cr = s.records[0]?.details?.[0]?.fields['random'];
    assert.match(s.why_not ?? '', new RegExp(`CLIENT_RANDOM ${cr} <master secret>`));
  });

  it('refuses a bad target and a bad format with a hint', async () => {
    const a = await tlsterm(['trace', 'no-port']);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /"no-port" is not HOST:PORT\nhint: /);
    const b = await tlsterm(['trace', `127.0.0.1:${port}`, '--format', 'xml']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /unknown format "xml"/);
    const c = await tlsterm(['decrypt', path.join(tmp.dir, 'missing.pcap')]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /cannot read capture .*missing\.pcap/);
    const closed = await freePort();
    const d = await tlsterm(['trace', `127.0.0.1:${closed}`]);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
