// `tlsterm serve` in front of a real HTTP app: forwarded headers (spoofed ones replaced), keep-alive,
// HTTP/2 on the front, 502 for a dead upstream; and `tlsterm check` as a user runs it.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { configHead, type ServeProcess, startServe } from './serve-harness.ts';

let serve: ServeProcess;
let app: http.Server;
let tmp: { dir: string; cleanup: () => void };
let rootPath: string;
let configPath: string;

before(async () => {
  tmp = makeTempDir('tlsterm-edge');
  const pki = await makePki(tmp.dir);
  rootPath = pki.rootPath;
  app = http.createServer((req, res) => res.end(JSON.stringify({ url: req.url, headers: req.headers })));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as net.AddressInfo).port;
  const cert = `{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }`;
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, rootPath)}  - name: edge
    address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [${cert}]
        upstream: http://127.0.0.1:${appPort}
      - hosts: [dead.example.test]
        certificates: [${cert}]
        upstream: { url: "http://127.0.0.1:1", connect_timeout: 1s }
`,
  );
  configPath = path.join(tmp.dir, 'tlsterm.yaml');
});

after(async () => {
  await serve?.stop();
  app?.close();
  tmp?.cleanup();
});

// Async: the app runs in this process, so a blocking spawnSync would starve it.
const curl = (host: string, args: string[]) =>
  new Promise<{ stdout: string }>((resolve) =>
    execFile(
      'curl',
      [
        '-s',
        '--cacert',
        rootPath,
        '--resolve',
        `${host}:${serve.port}:127.0.0.1`,
        ...args,
        `https://${host}:${serve.port}/p?q=1`,
      ],
      { encoding: 'utf8', timeout: 8000 },
      (_error, stdout) => resolve({ stdout }),
    ),
  );

test('requests reach the app with forwarded headers; spoofed ones are replaced', async () => {
  const r = await curl('example.test', ['-H', 'X-Forwarded-For: 6.6.6.6', '-H', 'Forwarded: for=6.6.6.6']);
  const seen = JSON.parse(r.stdout) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/p?q=1');
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.headers['x-forwarded-proto'], 'https');
  assert.equal(seen.headers['x-forwarded-host'], `example.test:${serve.port}`);
  assert.match(seen.headers['forwarded'] ?? '', /for=127\.0\.0\.1;proto=https/);
  assert.doesNotMatch(JSON.stringify(seen.headers), /6\.6\.6\.6/);
});

test('HTTP/2 on the front, HTTP/1.1 to the app', async () => {
  const r = await curl('example.test', ['--http2', '-w', '\n%{http_version}']);
  assert.match(r.stdout, /\n2$/);
  assert.match(r.stdout, /"x-forwarded-proto":"https"/);
});

test('a dead upstream is a 502 with a short page and a log line', async () => {
  const r = await curl('dead.example.test', ['-i']);
  assert.match(r.stdout, /^HTTP\/[\d.]+ 502/);
  const e = await serve.waitFor((ev) => ev['event'] === 'upstream_error');
  assert.equal(e['status'], 502);
});

test('`tlsterm check` says OK for a good file and exits 1 with the place of each problem', () => {
  const bin = path.resolve(import.meta.dirname, '../../bin/tlsterm');
  const good = spawnSync(process.execPath, [bin, 'check', '-c', configPath], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /OK/);
  const badPath = path.join(tmp.dir, 'bad.yaml');
  spawnSync('sh', [
    '-c',
    `sed 's/hosts: \\[example.test\\]/hosts: [nothere.test]/' ${configPath} > ${badPath}`,
  ]);
  const bad = spawnSync(process.execPath, [bin, 'check', '-c', badPath], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /bad\.yaml:\d+\s+listeners\[0\]\.sites\[0\]/);
  assert.match(bad.stdout, /nothere\.test/);
});
