// `tlsterm trace --listen --to`: a relay for a client of the user's choice. curl writes its key log
// through SSLKEYLOGFILE and openssl s_client through -keylogfile; the relay reads it when the
// connection ends and decrypts what passed through.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTraceRelay } from '../../src/trace/relay.ts';
import type { TraceReport, TraceSession } from '../../src/trace/types.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type HttpsServer, startHttpsServer } from './trace-harness.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/tlsterm', import.meta.url).pathname;

describe('trace relay', () => {
  const tmp = makeTempDir('trace-relay');
  let pki: Pki;
  let server: HttpsServer;
  before(async () => {
    pki = await makePki(tmp.dir);
    server = await startHttpsServer({ cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem });
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('decrypts curl’s connection with the key log curl writes (CLI, --count 1, JSON)', async () => {
    const keylog = path.join(tmp.dir, 'curl.keys');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'trace',
        '--listen',
        '127.0.0.1:0',
        '--to',
        `127.0.0.1:${server.port}`,
        '--keylog',
        keylog,
        '--count',
        '1',
        '--format',
        'json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /relaying 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`tlsterm exited: ${stderr}`)));
    });
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    const curl = await run(
      'curl',
      [
        '-sS',
        '--cacert',
        pki.rootPath,
        '--resolve',
        `example.test:${port}:127.0.0.1`,
        `https://example.test:${port}/hello`,
      ],
      { env: { ...process.env, SSLKEYLOGFILE: keylog } },
    );
    assert.equal(curl.stdout, 'hello, trace');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /contains TLS session secrets/);
    const [s] = (JSON.parse(stdout) as TraceReport).sessions;
    assert.ok(s);
    assert.equal(s.sni, 'example.test');
    assert.equal(s.version, 'TLS1.3');
    assert.equal(s.decrypted, true, s.why_not ?? '');
    assert.deepEqual(
      s.records.filter((r) => r.http !== undefined).map((r) => r.http),
      ['GET /hello HTTP/1.1', 'HTTP/1.1 200 OK'],
    );
    assert.match(s.key_schedule.source, /CLIENT_TRAFFIC_SECRET_0/);
  });

  it('decrypts an openssl s_client TLS 1.2 session and says when the key log has no line for it', async () => {
    const keylog = path.join(tmp.dir, 's_client.keys');
    const sessions: TraceSession[] = [];
    let done: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      done = resolve;
    });
    const relay = await startTraceRelay({
      listenHost: '127.0.0.1',
      listenPort: 0,
      toHost: '127.0.0.1',
      toPort: server.port,
      keyLogFile: keylog,
      onSession(s) {
        sessions.push(s);
        if (sessions.length === 2) done();
      },
    });
    try {
      const sClient = (extra: string[]) =>
        new Promise<string>((resolve) => {
          const c = spawn(
            'openssl',
            [
              's_client',
              '-connect',
              `127.0.0.1:${relay.port}`,
              '-servername',
              'example.test',
              '-tls1_2',
              '-quiet',
              ...extra,
            ],
            {
              stdio: ['pipe', 'pipe', 'ignore'],
            },
          );
          let out = '';
          c.stdout.on('data', (d: Buffer) => {
            out += d.toString();
          });
          c.stdin.end('GET / HTTP/1.1\r\nHost: example.test\r\n\r\n');
          c.once('exit', () => resolve(out));
        });
      assert.match(await sClient(['-keylogfile', keylog]), /hello, trace/);
      assert.match(await sClient([]), /hello, trace/);
      await seen;
    } finally {
      await relay.close();
    }
    const [logged, unlogged] = sessions;
    assert.ok(logged && unlogged);
    assert.equal(logged.version, 'TLS1.2');
    assert.equal(logged.decrypted, true, logged.why_not ?? '');
    assert.ok(logged.records.some((r) => r.http === 'HTTP/1.1 200 OK'));
    assert.equal(unlogged.decrypted, false);
    assert.match(
      unlogged.why_not ?? '',
      /no key log line for client random [0-9a-f]{64} \(the key log has 1 session\)/,
    );
    assert.ok(fs.existsSync(keylog));
  });
});
