// Client-initiated TLS 1.2 renegotiation is refused, as nginx refuses it: OpenSSL answers the new
// ClientHello with a no_renegotiation alert and the connection ends. Requests before it, and new
// connections, are served as usual.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import tls from 'node:tls';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { configHead, type ServeProcess, startServe } from './serve-harness.ts';

let serve: ServeProcess;
let tmp: { dir: string; cleanup: () => void };
let rootPem: string;
let rootPath: string;

before(async () => {
  tmp = makeTempDir('tlsterm-reneg');
  const pki = await makePki(tmp.dir);
  rootPem = pki.rootPem;
  rootPath = pki.rootPath;
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, rootPath)}  - name: public
    address: 127.0.0.1:0
    tls: { profile: intermediate }
    sites:
      - hosts: [example.test]
        default: true
        handler: inspect
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
`,
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

const REQUEST = 'GET / HTTP/1.1\r\nHost: example.test\r\nAccept: application/json\r\n\r\n';

interface Session {
  /** Everything s_client printed so far (stdout and stderr). */
  output(): string;
  send(text: string): void;
  /** Resolves when `pattern` has appeared in the output (or the test says so), or rejects after `ms`. */
  waitFor(pattern: RegExp | ((out: string) => boolean), ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

// s_client reads its commands ("R" renegotiates) from stdin, so stdin stays open and is fed step by
// step, each step after the previous one's answer has arrived.
function sClient(args: readonly string[]): Session {
  const child = spawn(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${serve.port}`, '-servername', 'example.test', ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('latin1');
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // s_client may exit (on the refusal) between our last look and a write: the write then fails with
  // EPIPE, which is the outcome under test, not an error of the test.
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => {
    clearTimeout(killer);
    for (const w of waiters) w();
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    output: () => out,
    send: (text) => {
      if (!done) child.stdin.write(text);
    },
    waitFor: (pattern, ms = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (typeof pattern === 'function' ? pattern(out) : pattern.test(out)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (done) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`s_client exited before ${pattern}; output:\n${out.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out.slice(-3000)}`));
        }, ms);
        waiters.add(check);
        check();
      }),
    exited,
  };
}

/** The output holds an HTTP/1.1 200 response and all of its Content-Length body. */
const wholeResponse = (out: string): boolean => {
  const status = out.indexOf('HTTP/1.1 200');
  if (status < 0) return false;
  const headEnd = out.indexOf('\r\n\r\n', status);
  if (headEnd < 0) return false;
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(out.slice(status, headEnd + 2));
  return length !== null && out.length - (headEnd + 4) >= Number(length[1]);
};

test('openssl s_client -tls1_2: a request is answered, then "R" does not renegotiate: no_renegotiation ends the connection', async () => {
  const before = serve.events.length;
  const client = sClient(['-tls1_2', '-CAfile', rootPath]);
  await client.waitFor(/Secure Renegotiation IS supported/);
  client.send(REQUEST);
  // The whole response, not only its head: an "R" in the middle of the body makes s_client fail on
  // the rest of it ("unexpected record"), not on the server's refusal.
  await client.waitFor(wholeResponse);
  client.send('R\n');
  await client.waitFor(/RENEGOTIATING/);
  // s_client ends by itself on the refusal. Only if it is still there is a second request sent: it
  // would be answered on a renegotiated connection, and must not be. (Sent unconditionally, it raced
  // the refusal: s_client could then end on the write instead of reporting the alert.)
  const ended = await Promise.race([client.exited.then(() => true), delay(5000).then(() => false)]);
  if (!ended) client.send(REQUEST);
  const code = await client.exited;
  const out = client.output();
  const tail = `; output:\n${out.slice(-1500)}`;
  assert.notEqual(code, 0, `s_client should fail the renegotiation${tail}`);
  assert.match(out, /no renegotiation/i, `OpenSSL reports the server refused with no_renegotiation${tail}`);
  assert.equal(out.match(/HTTP\/1\.1 200/g)?.length, 1, `only the request before "R" is answered${tail}`);
  assert.doesNotMatch(out, /Verify return code: [1-9]/);

  // The connection was logged as an ordinary TLS 1.2 handshake (closed after the refusal).
  const event = await serve.waitFor(
    (e) => serve.events.indexOf(e) >= before && e['event'] === 'handshake' && e['version'] === 'TLS1.2',
    10_000,
  );
  assert.equal(event['sni'], 'example.test');
});

test('a Node client asking to renegotiate is refused, and the next connection is served', async () => {
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect(
      { host: '127.0.0.1', port: serve.port, servername: 'example.test', ca: rootPem, maxVersion: 'TLSv1.2' },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  // Reading, so the server's answer to the new ClientHello is processed.
  socket.on('data', () => {});
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer within 15 s'), 15_000);
    const settle = (what: string) => {
      clearTimeout(timer);
      resolve(what);
    };
    socket.once('error', (error) => settle(`error: ${error.message}`));
    socket.once('close', () => settle('closed'));
    const started = socket.renegotiate({ rejectUnauthorized: false }, (error) =>
      settle(error ? `error: ${error.message}` : 'renegotiated'),
    );
    if (!started) settle('renegotiate() did not start');
  });
  socket.destroy();
  assert.match(outcome, /^(error|closed)/, `the renegotiation must fail, got: ${outcome}`);

  const status = await new Promise<string>((resolve, reject) => {
    const s = tls.connect(
      { host: '127.0.0.1', port: serve.port, servername: 'example.test', ca: rootPem, maxVersion: 'TLSv1.2' },
      () => s.write(`${REQUEST.slice(0, -2)}Connection: close\r\n\r\n`),
    );
    let head = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      head += d;
    });
    s.once('error', reject);
    s.once('close', () => resolve(head.slice(0, 12)));
  });
  assert.equal(status, 'HTTP/1.1 200');
});
