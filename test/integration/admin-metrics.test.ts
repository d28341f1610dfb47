// /metrics through `tlsterm serve --workers 2`: the test makes handshakes of its own (TLS 1.3 and
// 1.2, one resumed, one refused for want of a shared cipher) and two requests, then scrapes the
// admin listener. The exposition is read by a strict parser (test/helpers/prom-text.ts), and each
// count must equal what the test did, summed across both workers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type Family, parseExposition, sumOf } from '../helpers/prom-text.ts';
import { adminFetch, adminPort, holdTlsConnections } from './admin-harness.ts';
import { inspectConfig, type ServeProcess, sClient, startServe } from './serve-harness.ts';
import { type HttpsServer, startHttpsServer } from './trace-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let admin: number;
let passUpstream: HttpsServer;

before(async () => {
  tmp = makeTempDir('admin-metrics');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const dir = path.join(tmp.dir, 'serve');
  fs.mkdirSync(dir, { recursive: true });
  // A passthrough site in front of a TLS server of its own (counted from its ServerHello).
  passUpstream = await startHttpsServer({
    cert: fs.readFileSync(pki.chains.rsa.fullchainPath),
    key: fs.readFileSync(pki.chains.rsa.keyPath),
  });
  const pass = `      - hosts: [pass.example.test]\n        mode: passthrough\n        upstream: tcp://127.0.0.1:${passUpstream.port}\n`;
  serve = await startServe(dir, `admin: { address: "127.0.0.1:0" }\n${inspectConfig(dir, pki)}${pass}`, [
    '--workers',
    '2',
  ]);
  admin = await adminPort(serve);
});
after(async () => {
  await serve?.stop();
  await passUpstream?.close();
  tmp?.cleanup();
});

const count = (event: string) => serve.events.filter((e) => e['event'] === event).length;

async function scrape(): Promise<Map<string, Family>> {
  const res = await adminFetch(admin, '/metrics');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.text);
}

test('one scrape counts every handshake, resumption, failure and request the test made, across both workers', async () => {
  const sess = path.join(tmp.dir, 'session.pem');
  const sni = ['-servername', 'example.test', '-CAfile', pki.rootPath];
  for (let i = 0; i < 3; i++) assert.match(sClient(serve.port, [...sni, '-tls1_3']), /Verify return code: 0/);
  assert.match(sClient(serve.port, [...sni, '-tls1_2']), /Protocol\s*: TLSv1\.2/);
  assert.match(sClient(serve.port, [...sni, '-tls1_2', '-sess_out', sess]), /Protocol\s*: TLSv1\.2/);
  assert.match(sClient(serve.port, [...sni, '-tls1_2', '-sess_in', sess]), /^Reused, /m);
  // A TLS 1.2 client offering only an RSA key exchange suite to an ECDSA site: no shared cipher.
  assert.match(sClient(serve.port, [...sni, '-tls1_2', '-cipher', 'AES128-SHA']), /Cipher is \(NONE\)/);
  for (let i = 0; i < 2; i++) {
    const curl = spawnSync(
      'curl',
      [
        '-sS',
        '--cacert',
        pki.rootPath,
        '--resolve',
        `example.test:${serve.port}:127.0.0.1`,
        `https://example.test:${serve.port}/`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(curl.status, 0, curl.stderr);
  }
  // Every connection has closed and said so in the log (the failure is classified at close).
  await serve.waitFor(
    () => count('handshake') === 8 && count('handshake_failed') === 1 && count('access') === 2,
    15_000,
  );

  const m = await scrape();
  const ok = { result: 'ok' };
  // Listener and site as the log names them (the config's names, or their place in it).
  const line = serve.events.find((e) => e['event'] === 'handshake') ?? {};
  const where = { listener: String(line['listener']), site: String(line['site']) };
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', ok), 8);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { ...ok, version: 'TLS1.3' }), 5);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { ...ok, version: 'TLS1.2' }), 3);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { ...ok, ...where }), 8);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'failed' }), 1);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'failed', reason: 'no_common_cipher' }), 1);
  // reason only on failures; version/suite/group only on successes
  for (const s of m.get('tlsterm_handshakes_total')?.samples ?? []) {
    if (s.labels.result === 'ok') assert.equal(s.labels.reason, undefined);
    else assert.equal(s.labels.version, undefined);
  }
  assert.equal(sumOf(m, 'tlsterm_resumptions_total'), 1);
  assert.equal(sumOf(m, 'tlsterm_resumptions_total', { kind: 'ticket' }), 1);
  assert.equal(
    sumOf(m, 'tlsterm_handshake_duration_seconds', {}, 'tlsterm_handshake_duration_seconds_count'),
    8,
  );
  assert.equal(
    sumOf(m, 'tlsterm_requests_total', { site: where.site, status_class: '2xx', upstream: 'local' }),
    2,
  );
  assert.equal(sumOf(m, 'tlsterm_connections_open'), 0);
  // Bytes of closed connections: what the log lines say, added up.
  const logged = (field: string) =>
    serve.events
      .filter((e) => e['event'] === 'handshake' || e['event'] === 'handshake_failed')
      .reduce((n, e) => n + Number(e[field]), 0);
  assert.equal(sumOf(m, 'tlsterm_bytes_received_total'), logged('bytes_in'));
  assert.equal(sumOf(m, 'tlsterm_bytes_sent_total'), logged('bytes_out'));
  // The certificate in service, once (both workers hold it: folded by max, not summed).
  const leaf = new X509Certificate(fs.readFileSync(pki.chains.ec.certPath));
  const certs = m.get('tlsterm_certificate_not_after_seconds')?.samples ?? [];
  assert.equal(certs.length, 1);
  assert.equal(certs[0]?.value, Math.floor(Date.parse(leaf.validTo) / 1000));
  assert.equal(certs[0]?.labels.key_type, 'ec');
  assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'ok' }), 2);
  assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'silent' }), 0);
  assert.equal(sumOf(m, 'tlsterm_worker_restarts_total'), 0);
  assert.equal(sumOf(m, 'tlsterm_keylog_active'), 0);
  assert.equal(sumOf(m, 'tlsterm_state_backend_up', { backend: 'memory' }), 1);
  assert.ok((m.get('tlsterm_ticket_key_age_seconds')?.samples.length ?? 0) >= 1);
  // No label carries client data: no client address and port, no SNI string, no path.
  const text = (await adminFetch(admin, '/metrics')).text;
  for (const e of serve.events.filter((x) => x['event'] === 'handshake'))
    assert.ok(!text.includes(String(e['client'])), String(e['client']));
  assert.doesNotMatch(text, /example\.test|"\/"/);
});

test('a worker restarted after a crash keeps the instance’s counts and counts the restart', async () => {
  const before = sumOf(await scrape(), 'tlsterm_handshakes_total', { result: 'ok' });
  const workers = [
    ...new Set(serve.events.filter((e) => e['event'] === 'handshake').map((e) => Number(e['worker']))),
  ];
  // Kill a worker that counted handshakes, after a scrape (its share is what the primary keeps).
  process.kill(workers[0]!, 'SIGKILL');
  await serve.waitFor((e) => e['event'] === 'worker_restarted', 20_000);
  const m = await scrape();
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'ok' }), before);
  assert.equal(sumOf(m, 'tlsterm_worker_restarts_total'), 1);
  assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'ok' }), 2);
});

test('tlsterm_keylog_active is 1 while a key log ordered through the admin API is on, 0 after', async () => {
  assert.equal(sumOf(await scrape(), 'tlsterm_keylog_active'), 0);
  const on = await adminFetch(admin, '/api/v1/keylog', { method: 'POST', body: { duration: '1m' } });
  assert.equal(on.status, 200, on.text);
  assert.equal(sumOf(await scrape(), 'tlsterm_keylog_active'), 1);
  const off = await adminFetch(admin, '/api/v1/keylog', { method: 'DELETE' });
  assert.equal(off.status, 200, off.text);
  assert.equal(sumOf(await scrape(), 'tlsterm_keylog_active'), 0);
});

test('the summary lists each worker with its open connections (the status page shows them)', async () => {
  const held = await holdTlsConnections(serve.port, pki.rootPem, 3);
  try {
    const listed = (await adminFetch(admin, '/api/v1/summary')).json?.['workers'] as {
      list: { pid: number; connections?: number }[];
    };
    assert.equal(listed.list.length, 2, JSON.stringify(listed));
    for (const w of listed.list) assert.equal(typeof w.connections, 'number', JSON.stringify(w));
    assert.equal(
      listed.list.reduce((n, w) => n + (w.connections ?? 0), 0),
      3,
      JSON.stringify(listed),
    );
  } finally {
    for (const s of held) s.destroy();
  }
});

test('a worker that does not answer is reported silent and not waited for; its last counts stay in', async () => {
  const before = sumOf(await scrape(), 'tlsterm_handshakes_total', { result: 'ok' });
  // Any serving worker (after the restart above, one of them may not have taken a handshake).
  const listed = (await adminFetch(admin, '/api/v1/summary')).json?.['workers'] as {
    list: { pid: number }[];
  };
  const frozen = listed?.list[0]?.pid;
  assert.ok(frozen !== undefined, JSON.stringify(listed));
  process.kill(frozen, 'SIGSTOP');
  try {
    const started = Date.now();
    const m = await scrape();
    assert.ok(Date.now() - started < 5000, `the scrape took ${Date.now() - started} ms`);
    assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'silent' }), 1);
    assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'ok' }), 1);
    assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'ok' }), before);
    const summary = await adminFetch(admin, '/api/v1/summary');
    assert.deepEqual((summary.json?.['workers'] as { silent?: number[] } | undefined)?.silent, [frozen]);
  } finally {
    process.kill(frozen, 'SIGCONT');
  }
});

test('a reload keeps the counts: the drained generation’s workers leave their shares with the primary', async () => {
  const before = await scrape();
  const ok = sumOf(before, 'tlsterm_handshakes_total', { result: 'ok' });
  const failed = sumOf(before, 'tlsterm_handshakes_total', { result: 'failed' });
  assert.ok(ok > 0);
  serve.signal('SIGHUP');
  await serve.waitFor((e) => e['event'] === 'drained', 30_000);
  const m = await scrape();
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'ok' }), ok);
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { result: 'failed' }), failed);
  assert.equal(sumOf(m, 'tlsterm_workers', { answer: 'ok' }), 2);
  // The new generation serves, and counts on top.
  assert.match(
    sClient(serve.port, ['-servername', 'example.test', '-CAfile', pki.rootPath]),
    /Verify return code: 0/,
  );
  await serve.waitFor(() => count('handshake') === ok + 1, 15_000);
  assert.equal(sumOf(await scrape(), 'tlsterm_handshakes_total', { result: 'ok' }), ok + 1);
});

test('a passthrough connection is counted from the upstream’s ServerHello, under its own site', async () => {
  const before = await scrape();
  // One request through to the upstream, which answers and closes.
  const body = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: serve.port,
      servername: 'pass.example.test',
      ca: fs.readFileSync(pki.rootPath),
      minVersion: 'TLSv1.3',
    });
    let text = '';
    socket.on('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: pass.example.test\r\n\r\n'));
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(body, /hello, trace/);
  const line = await serve.waitFor((e) => e['event'] === 'handshake' && e['mode'] === 'passthrough', 15_000);
  const m = await scrape();
  const where = { listener: String(line['listener']), site: String(line['site']), result: 'ok' };
  assert.equal(sumOf(m, 'tlsterm_handshakes_total', { ...where, version: 'TLS1.3' }), 1);
  assert.equal(
    sumOf(m, 'tlsterm_handshakes_total', { result: 'ok' }),
    sumOf(before, 'tlsterm_handshakes_total', { result: 'ok' }) + 1,
  );
  assert.equal(
    sumOf(m, 'tlsterm_bytes_received_total') - sumOf(before, 'tlsterm_bytes_received_total'),
    Number(line['bytes_in']),
  );
});
