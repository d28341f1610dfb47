// What an operator reads, through a real `tlsterm serve`: one `access` line per request (h1 and h2,
// IPv4 and IPv6 clients) joinable to its `handshake` line by conn_id, the request id kept or made
// and sent upstream, the offered lists on a failure line only, and (log.file) text lines, level
// filtering and SIGUSR1 reopening the file after a `mv`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, stopChild, waitForPort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run, sClientAsync } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let backend: http.Server;
let backendPort = 0;
/** The x-request-id each upstream request carried, by path. */
const seenIds = new Map<string, string | undefined>();

before(async () => {
  tmp = makeTempDir('serve-logs');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  backend = http.createServer((req, res) => {
    seenIds.set(req.url ?? '', req.headers['x-request-id'] as string | undefined);
    res.end('ok\n');
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as AddressInfo).port;
});
after(() => {
  backend?.close();
  tmp?.cleanup();
});

const config = (address: string, logBlock = '', extra = '') => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
${logBlock}${extra}listeners:
  - address: ${address}
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        upstream: http://127.0.0.1:${backendPort}
`;

const curl = (port: number, urlPath: string, args: readonly string[], ip = '127.0.0.1') =>
  run('curl', [
    '-sS',
    '--max-time',
    '8',
    '--cacert',
    pki.rootPath,
    '--resolve',
    `example.test:${port}:${ip}`,
    ...args,
    `https://example.test:${port}${urlPath}`,
  ]);

describe('JSON lines with the defaults', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(tmp.dir, config('localhost:0'), ['--workers', '1'], 'json.yaml');
  });
  after(() => serve?.stop());

  const access = (uri: string) => serve.waitFor((e) => e['event'] === 'access' && e['uri'] === uri, 8000);
  const handshakeOf = (line: Record<string, unknown>) =>
    serve.waitFor((e) => e['event'] === 'handshake' && e['conn_id'] === line['conn_id'], 8000);

  test('h1: one access line with every field; its handshake line joins by conn_id, without offered lists', async () => {
    const r = await curl(serve.port, '/h1?q=1', [
      '--http1.1',
      '-A',
      'logs-test/1',
      '-H',
      'X-Request-Id: abc-123',
    ]);
    assert.equal(r.stdout, 'ok\n', r.stderr);
    const a = await access('/h1?q=1');
    assert.equal(a['level'], 'info');
    assert.equal(a['method'], 'GET');
    assert.equal(a['host'], `example.test:${serve.port}`);
    assert.equal(a['status'], 200);
    assert.equal(a['bytes_out'], 3);
    assert.equal(a['user_agent'], 'logs-test/1');
    assert.equal(a['proto'], 'http/1.1');
    assert.equal(a['request_id'], 'abc-123', 'a sane incoming id is kept');
    assert.equal(seenIds.get('/h1?q=1'), 'abc-123', 'and sent upstream');
    assert.equal(a['upstream'], `http://127.0.0.1:${backendPort}`);
    assert.match(String(a['client']), /^127\.0\.0\.1:\d+$/);
    assert.match(String(a['conn_id']), /^\d+-\d+$/);
    for (const k of ['tls_ms', 'upstream_connect_ms', 'ttfb_ms', 'total_ms'])
      assert.equal(typeof a[k], 'number', `${k}: ${JSON.stringify(a)}`);
    assert.ok((a['ttfb_ms'] as number) <= (a['total_ms'] as number));
    const h = await handshakeOf(a);
    assert.equal(h['client'], a['client']);
    assert.equal(h['offered'], undefined, 'no offered lists on a successful handshake by default');
    assert.match(String(h['ja4']), /^t13d/);
    assert.equal(h['version'], 'TLS1.3');
    assert.equal(h['level'], 'info');
  });

  test('an insane request id is replaced by one made here, and that one goes upstream', async () => {
    await curl(serve.port, '/bad-id', ['--http1.1', '-H', 'X-Request-Id: has\ttab']);
    const a = await access('/bad-id');
    assert.notEqual(a['request_id'], 'has\ttab');
    assert.match(String(a['request_id']), /^[0-9a-f]{12}-[0-9a-z]+$/);
    assert.equal(seenIds.get('/bad-id'), a['request_id']);
    await curl(serve.port, '/no-id', ['--http1.1']);
    const b = await access('/no-id');
    assert.equal(seenIds.get('/no-id'), b['request_id']);
    assert.notEqual(b['request_id'], a['request_id']);
  });

  test('h2: the same fields, proto h2, the id sent upstream; two requests of one connection share conn_id', async () => {
    const r = await curl(serve.port, '/h2a', [
      '--http2',
      '-A',
      'logs-h2/2',
      '-H',
      'X-Request-Id: h2-id',
      '-o',
      '/dev/null',
      `https://example.test:${serve.port}/h2b`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const a = await access('/h2a');
    const b = await access('/h2b');
    assert.equal(a['proto'], 'h2');
    assert.equal(a['user_agent'], 'logs-h2/2');
    assert.equal(a['host'], `example.test:${serve.port}`);
    assert.equal(a['request_id'], 'h2-id');
    assert.equal(seenIds.get('/h2a'), 'h2-id');
    assert.equal(a['conn_id'], b['conn_id']);
    // The handshake time is on the connection's first request only.
    assert.equal([a, b].filter((e) => typeof e['tls_ms'] === 'number').length, 1);
    const h = await handshakeOf(a);
    assert.equal(h['alpn'], 'h2');
  });

  test('an IPv6 client is "[::1]:port" on the access and the handshake line', async () => {
    const r = await curl(serve.port, '/v6', ['--http1.1'], '::1');
    assert.equal(r.stdout, 'ok\n', r.stderr);
    const a = await access('/v6');
    assert.match(String(a['client']), /^\[::1\]:\d+$/);
    const h = await handshakeOf(a);
    assert.equal(h['client'], a['client']);
  });

  test('a failed handshake carries the offered lists, signature algorithms named', async () => {
    // TLS 1.2 with only a CBC suite: the default policy has none in common.
    await sClientAsync(serve.port, ['-servername', 'example.test', '-tls1_2', '-cipher', 'AES128-SHA']);
    const f = await serve.waitFor((e) => e['event'] === 'handshake_failed', 8000);
    const offered = f['offered'] as { ciphers: string[]; signature_algorithms: string[] };
    assert.ok(offered, JSON.stringify(f));
    assert.ok(offered.ciphers.includes('TLS_RSA_WITH_AES_128_CBC_SHA'));
    assert.ok(
      offered.signature_algorithms.includes('ecdsa_secp256r1_sha256'),
      offered.signature_algorithms.join(),
    );
    assert.ok(!offered.signature_algorithms.some((s) => s.startsWith('0x')));
    assert.match(String(f['ja4']), /^t12/);
    assert.match(String(f['conn_id']), /^\d+-\d+$/);
  });

  test('no line says "request", every line has a level', () => {
    assert.equal(serve.events.filter((e) => e['event'] === 'request').length, 0);
    assert.deepEqual(
      serve.events.filter((e) => !['debug', 'info', 'warning', 'error'].includes(String(e['level']))),
      [],
    );
  });
});

/** A serve whose log goes to a file: started by hand (the harness reads stdout). */
async function startToFile(
  yaml: string,
  name: string,
): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  const port = await freePort();
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, yaml.replace('ADDRESS', `127.0.0.1:${port}`));
  const child = spawn(process.execPath, [BIN, 'serve', '-c', file, '--workers', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', () => {});
  assert.ok(await waitForPort(port, 400), 'serve listens');
  return { child, port, out: () => out };
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

async function until(what: string, check: () => boolean, ms = 8000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('log.file + format text: human lines; after mv and SIGUSR1 the new file gets the next lines, the old one none', async () => {
  const file = path.join(tmp.dir, 'tlsterm.log');
  const s = await startToFile(config('ADDRESS', `log: { file: ${file}, format: text }\n`), 'text.yaml');
  try {
    await until('the started line', () => / info started /.test(read(file)));
    await curl(s.port, '/one', ['--http1.1']);
    await until('the access line', () => read(file).includes(' /one '));
    const line = read(file)
      .split('\n')
      .find((l) => l.includes(' info access '))!;
    assert.match(
      line,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z info access 127\\.0\\.0\\.1:\\d+ GET example\\.test:${s.port} /one 200 3B [\\d.]+ms `,
      ),
    );
    assert.equal(s.out(), '', 'nothing on stdout');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640 & ~process.umask());

    fs.renameSync(file, `${file}.1`);
    s.child.kill('SIGUSR1');
    await until('the log_reopen line in the new file', () => / info log_reopen /.test(read(file)));
    await sleep(500); // the workers hear it over IPC
    // Several connections: both workers must write to the new file.
    for (let i = 0; i < 6; i++) await curl(s.port, `/two-${i}`, ['--http1.1']);
    await until('the access lines after the reopen', () => read(file).includes(' /two-5 '));
    await sleep(300);
    assert.equal(read(`${file}.1`).includes('/two-'), false, 'the old file gets none of the next lines');
    assert.equal(read(file).includes(' /one '), false);
    assert.equal((read(file).match(/ info access /g) ?? []).length, 6);
    assert.equal(s.child.exitCode, null, 'SIGUSR1 does not end the process');
  } finally {
    await stopChild(s.child);
  }
});

test('log.level warning: no info lines are written, warnings are (per-worker ones marked workers: 2)', async () => {
  const file = path.join(tmp.dir, 'warn.log');
  const keys = path.join(tmp.dir, 'keys.log');
  const s = await startToFile(
    config('ADDRESS', `log: { file: ${file}, level: warning }\n`, `keylog: ${keys}\n`),
    'warn.yaml',
  );
  try {
    await curl(s.port, '/quiet', ['--http1.1']);
    await until('the keylog_open warning', () => read(file).includes('"event":"keylog_open"'));
    await sleep(500);
    const lines = read(file)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.length > 0);
    assert.deepEqual(
      lines.filter((e) => e['level'] !== 'warning' && e['level'] !== 'error'),
      [],
      'no info line (started, handshake, access)',
    );
    // Both workers open the key log: each line says so, to be counted once.
    const opened = lines.filter((e) => e['event'] === 'keylog_open');
    assert.ok(opened.length >= 1);
    assert.ok(
      opened.every((e) => e['workers'] === 2),
      JSON.stringify(opened),
    );
  } finally {
    await stopChild(s.child);
  }
});
