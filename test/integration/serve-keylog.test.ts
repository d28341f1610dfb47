// keylog: every terminated connection's secrets in NSS key log format, mode 0600, appended by every
// worker, bounded by max_bytes. The client's own key log (openssl s_client -keylogfile, curl's
// SSLKEYLOGFILE) must find its lines, secrets and client random alike, in tlsterm's file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { inspectSite, type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('serve-keylog');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp?.cleanup());

const config = (keylog: string) => `state_dir: ${tmp.dir}/state
keylog: ${keylog}
listeners:
  - address: 127.0.0.1:0
    sites:
${inspectSite(pki)}`;

const lines = (file: string): string[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

function sClient(port: number, clientLog: string, extra: readonly string[]): string {
  const r = spawnSync(
    'openssl',
    [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'example.test',
      '-keylogfile',
      clientLog,
      ...extra,
    ],
    { input: 'GET / HTTP/1.0\r\nHost: example.test\r\n\r\n', encoding: 'utf8', timeout: 8000 },
  );
  return `${r.stdout}${r.stderr}`;
}

test('TLS 1.3 and 1.2 sessions through two workers: the client key log lines are in the 0600 file', async () => {
  const file = path.join(tmp.dir, 'keys.log');
  const serve: ServeProcess = await startServe(tmp.dir, config(file), ['--workers', '2'], 'keylog.yaml');
  try {
    await serve.waitFor((e) => e['event'] === 'keylog_open' && e['level'] === 'warning');
    assert.match(serve.stderr(), /warning: keylog is on: the TLS secrets of every connection are written to/);
    const clientLog = path.join(tmp.dir, 'client.log');
    for (let i = 0; i < 4; i++) sClient(serve.port, clientLog, []);
    sClient(serve.port, clientLog, ['-tls1_2']);
    // curl as users run it (SSLKEYLOGFILE), HTTP/2.
    const curl = spawnSync(
      'curl',
      [
        '-sS',
        '--http2',
        '--cacert',
        pki.rootPath,
        '--resolve',
        `example.test:${serve.port}:127.0.0.1`,
        `https://example.test:${serve.port}/`,
      ],
      { encoding: 'utf8', timeout: 8000, env: { ...process.env, SSLKEYLOGFILE: clientLog } },
    );
    assert.equal(curl.status, 0, curl.stderr);

    const client = lines(clientLog).filter((l) => !l.startsWith('#'));
    assert.ok(client.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET ')));
    assert.ok(
      client.some((l) => l.startsWith('CLIENT_RANDOM ')),
      'the TLS 1.2 session',
    );
    // The server writes asynchronously: give the last lines a moment.
    for (let t = 0; t < 20 && !client.every((l) => lines(file).includes(l)); t++)
      await new Promise((r) => setTimeout(r, 100));
    const server = new Set(lines(file));
    const missing = client.filter((l) => !server.has(l));
    assert.deepEqual(missing, [], 'every secret the clients logged is in tlsterm key log');
    for (const l of server) assert.match(l, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    await serve.stop();
  }
});

test('max_bytes: the file stops growing at the cap and keylog_full says so', async () => {
  const file = path.join(tmp.dir, 'capped.log');
  const serve = await startServe(
    tmp.dir,
    config(`{ file: ${file}, max_bytes: 4096 }`),
    ['--workers', '1'],
    'cap.yaml',
  );
  try {
    const clientLog = path.join(tmp.dir, 'client-cap.log');
    for (let i = 0; i < 8; i++) sClient(serve.port, clientLog, []);
    await serve.waitFor((e) => e['event'] === 'keylog_full', 5000);
    const size = fs.statSync(file).size;
    assert.ok(size <= 4096 && size > 2048, `size ${size}`);
  } finally {
    await serve.stop();
  }
});
