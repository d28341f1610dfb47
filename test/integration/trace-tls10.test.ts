// The x-ray reads TLS 1.0 handshake messages as TLS 1.0 lays them out: a ServerKeyExchange whose
// signature has no scheme field (RFC 2246/4346) is decoded, not called truncated. openssl s_server and
// s_client speak TLS 1.0 at @SECLEVEL=0 through tlsterm's relay.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTraceRelay } from '../../src/trace/relay.ts';
import type { TraceSession } from '../../src/trace/types.ts';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { startOpensslServer } from './trace-harness.ts';

const CIPHER = 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0';
// This OpenSSL must still speak TLS 1.0 when asked to (Debian's does at SECLEVEL 0).
const canTls10 = spawnSync('openssl', ['s_client', '-help'], { encoding: 'utf8' }).stderr.includes('-tls1 ');

describe('trace: a TLS 1.0 ECDHE handshake', { skip: canTls10 ? false : 'openssl here has no -tls1' }, () => {
  const tmp = makeTempDir('trace-tls10');
  let pki: Pki;
  let server: ChildProcess;
  let port = 0;
  before(async () => {
    pki = await makePki(tmp.dir);
    port = await freePort();
    server = await startOpensslServer(port, [
      '-tls1',
      '-cipher',
      CIPHER,
      '-cert',
      pki.chains.rsa.fullchainPath,
      '-key',
      pki.chains.rsa.keyPath,
    ]);
  });
  after(() => {
    server.kill();
    tmp.cleanup();
  });

  it('decodes the ServerKeyExchange: group and "no scheme before TLS 1.2"', async () => {
    const sessions: TraceSession[] = [];
    let done = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const relay = await startTraceRelay({
      listenHost: '127.0.0.1',
      listenPort: 0,
      toHost: '127.0.0.1',
      toPort: port,
      onSession(s) {
        sessions.push(s);
        done();
      },
    });
    try {
      // Not spawnSync: the relay runs in this process and must keep accepting.
      const client = spawn(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${relay.port}`, '-tls1', '-cipher', CIPHER],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      client.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      client.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      client.stdin.end('hello\n');
      const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
      assert.equal(code, 0, out);
      await finished;
    } finally {
      await relay.close();
    }
    const s = sessions[0];
    assert.ok(s);
    assert.equal(s.version, 'TLS1.0');
    const details = s.records.flatMap((r) => r.details ?? []);
    const ske = details.find((d) => d.name === 'ServerKeyExchange');
    assert.ok(ske, JSON.stringify(details.map((d) => d.name)));
    assert.equal(ske.fields?.['group'], 'x25519');
    assert.match(String(ske.fields?.['signature_scheme']), /none before TLS 1\.2/);
    assert.equal(s.group, 'x25519');
  });
});
