// Seed 000 §5: "LB1 made the session, the client lands on LB2, full handshake again". Sessions made
// by one worker resume on another, and across a ticket-key rotation inside the overlap; with
// tickets off, TLS 1.2 resumes by session id. Real `openssl s_client -sess_out / -sess_in`.
//
// Which worker accepts a connection is the kernel's choice; to make "another worker" certain, the
// worker that made the session is frozen (SIGSTOP) while the resuming client connects.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;

before(async () => {
  tmp = makeTempDir('serve-resumption');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp?.cleanup());

const config = (session: string) => `state_dir: ${tmp.dir}/state-${Math.random().toString(36).slice(2)}
extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    session: ${session}
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;

/**
 * s_client sending one request that asks the server to close: it reads the whole exchange, so the
 * TLS 1.3 tickets (sent after the handshake) reach -sess_out before it exits.
 */
function sClient(port: number, args: readonly string[]): string {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-ign_eof', ...args], {
    input: 'GET / HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n',
    timeout: 8000,
    encoding: 'utf8',
  });
  return `${r.stdout}${r.stderr}`;
}

const reused = (out: string): boolean => /^Reused, TLSv1\.[23]/m.test(out);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Handshake events in log order, for the connection made by the n-th call (counted from `from`). */
const handshakes = (serve: ServeProcess) => serve.events.filter((e) => e['event'] === 'handshake');

async function lastHandshake(serve: ServeProcess, count: number): Promise<Record<string, unknown>> {
  await serve.waitFor(() => handshakes(serve).length >= count, 8000);
  return handshakes(serve)[count - 1]!;
}

/** Make a session (sess_out) and resume it on a worker other than the one that made it. */
async function resumeOnAnotherWorker(serve: ServeProcess, version: string, extra: readonly string[] = []) {
  const file = path.join(tmp.dir, `sess-${version}-${Math.random().toString(36).slice(2)}`);
  const before = handshakes(serve).length;
  const first = sClient(serve.port, ['-servername', 'example.test', version, '-sess_out', file, ...extra]);
  assert.match(first, /^New, TLSv1\.[23]/m, first);
  const made = await lastHandshake(serve, before + 1);
  const maker = made['worker'] as number;
  assert.ok(maker > 0, 'handshake events name their worker');
  process.kill(maker, 'SIGSTOP');
  try {
    const second = sClient(serve.port, ['-servername', 'example.test', version, '-sess_in', file, ...extra]);
    assert.ok(reused(second), `expected Reused:\n${second}`);
  } finally {
    process.kill(maker, 'SIGCONT');
  }
  const resumed = await lastHandshake(serve, before + 2);
  assert.notEqual(resumed['worker'], maker, 'resumed on the other worker');
  assert.equal(resumed['resumed'], true);
  return resumed;
}

describe('two workers share resumption state', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(
      tmp.dir,
      config('{ cache: true, tickets: true }'),
      ['--workers', '2'],
      'both.yaml',
    );
  });
  after(() => serve?.stop());

  test('TLS 1.3 ticket made on worker 1 resumes on worker 2', async () => {
    const event = await resumeOnAnotherWorker(serve, '-tls1_3');
    assert.equal(event['resumed_by'], 'ticket');
    assert.match(String(event['ticket_key']), /^[0-9a-f]{8}$/);
    assert.equal(event['ticket_key_current'], true);
  });

  test('TLS 1.2 ticket made on worker 1 resumes on worker 2', async () => {
    const event = await resumeOnAnotherWorker(serve, '-tls1_2');
    assert.equal(event['resumed_by'], 'ticket');
  });

  test('TLS 1.2 session id (client sends no ticket) resumes on worker 2 through the shared cache', async () => {
    const event = await resumeOnAnotherWorker(serve, '-tls1_2', ['-no_ticket']);
    assert.equal(event['resumed_by'], 'session_id');
  });
});

describe('tickets off: the session cache alone', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(
      tmp.dir,
      config('{ cache: true, tickets: false }'),
      ['--workers', '2'],
      'cache.yaml',
    );
  });
  after(() => serve?.stop());

  test('TLS 1.2 resumes by session id across workers', async () => {
    const event = await resumeOnAnotherWorker(serve, '-tls1_2');
    assert.equal(event['resumed_by'], 'session_id');
  });

  test('TLS 1.3 does not resume without tickets (Node resumes 1.3 by ticket only), and never fails', () => {
    const file = path.join(tmp.dir, 'sess-13-noticket');
    const first = sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-sess_out', file]);
    assert.match(first, /^New, TLSv1\.3/m, first);
    const second = sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-sess_in', file]);
    assert.match(second, /^New, TLSv1\.3/m, second);
  });

  test('no ticket is issued', () => {
    const out = sClient(serve.port, ['-servername', 'example.test', '-tls1_2']);
    assert.doesNotMatch(out, /TLS session ticket:/);
  });
});

describe('cache and tickets off', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(
      tmp.dir,
      config('{ cache: false, tickets: false }'),
      ['--workers', '1'],
      'off.yaml',
    );
  });
  after(() => serve?.stop());

  test('every connection is a full handshake, and none fails', () => {
    const file = path.join(tmp.dir, 'sess-off');
    for (const version of ['-tls1_2', '-tls1_3']) {
      const first = sClient(serve.port, ['-servername', 'example.test', version, '-sess_out', file]);
      assert.match(first, /^New, /m);
      const second = sClient(serve.port, ['-servername', 'example.test', version, '-sess_in', file]);
      assert.match(second, /^New, /m, 'no resumption');
    }
  });
});

describe('ticket-key rotation', () => {
  let serve: ServeProcess;
  // Keys issue for 2 s each and keep decrypting for the session timeout (4 s) after that.
  before(async () => {
    serve = await startServe(
      tmp.dir,
      config('{ tickets: true, cache: false, timeout: 4s, ticket_rotation: 2s }'),
      ['--workers', '2'],
      'rotation.yaml',
    );
  });
  after(() => serve?.stop());

  test('an old ticket resumes inside the overlap, not after it, and the connection never fails', async () => {
    const file = path.join(tmp.dir, 'sess-rotation');
    const first = sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-sess_out', file]);
    assert.match(first, /^New, /m);
    const made = Date.now();
    // Past the next rotation (at most 2 s away), well inside the 4 s life of the ticket.
    await sleep(2300);
    const count = handshakes(serve).length;
    const inside = sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-sess_in', file]);
    assert.ok(reused(inside), `resumes inside the overlap (${Date.now() - made} ms):\n${inside}`);
    const event = await lastHandshake(serve, count + 1);
    assert.equal(event['resumed_by'], 'ticket');
    assert.equal(event['ticket_key_current'], false, 'made under the previous key');
    // After the key stopped decrypting (and the ticket aged out): a full handshake, not an error.
    await sleep(Math.max(0, 6500 - (Date.now() - made)));
    const outside = sClient(serve.port, ['-servername', 'example.test', '-tls1_3', '-sess_in', file]);
    assert.match(outside, /^New, TLSv1\.3/m, outside);
    assert.equal(
      serve.events.filter((e) => e['event'] === 'handshake_failed').length,
      0,
      'no connection failed',
    );
  });
});
