// A real nginx as the upstream: keep-alive reuse seen from nginx's side ($connection in its access
// log), forwarding headers, static files with HEAD and 304, and chunked (gzip) responses.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningNginx, startNginx } from '../helpers/nginx.ts';
import { curl, type Front, hasCommand, makeCert, startFront, waitFor } from './http-harness.ts';

const NGINX = hasCommand('nginx');
const skip = NGINX
  ? false
  : 'nginx is not installed (apt-get install -y nginx) — skipping the real-nginx backend test';

let dir = '';
let nginx: RunningNginx | null = null;
let nginxPort = 0;
let front: Front;
let base = '';

const accessLog = (): string[] => {
  const f = path.join(dir, 'access.log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
};

before(async () => {
  if (!NGINX) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsterm-nginx-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www', 'index.html'), '<p>static from nginx</p>\n'.repeat(100));
  nginx = await startNginx(
    dir,
    (port) => `
  log_format probe '$connection $connection_requests "$request" $status xff=$http_x_forwarded_for fwd=$http_forwarded';
  access_log ${dir}/access.log probe;
  keepalive_timeout 60s;
  keepalive_requests 10000;
  gzip on;
  # tlsterm sends Via, and nginx's default (gzip_proxied off) does not compress for requests with Via.
  gzip_proxied any;
  gzip_min_length 1;
  gzip_types text/plain;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location = /hello { default_type text/plain; return 200 "hello from nginx xff=$http_x_forwarded_for proto=$http_x_forwarded_proto\\n"; }
    location = /gz { default_type text/plain; return 200 "${'compress me '.repeat(200)}\\n"; }
  }`,
    { workerConnections: 128 },
  );
  nginxPort = nginx.port;
  front = await startFront(makeCert(), { upstream: `http://127.0.0.1:${nginxPort}` });
  base = `https://localhost:${front.port}`;
});

after(async () => {
  if (!NGINX) return;
  await front?.close();
  await nginx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('real nginx as the upstream', { skip }, () => {
  test('20 keep-alive requests use fewer upstream connections than requests', async () => {
    const urls = Array.from({ length: 20 }, () => `${base}/hello`);
    const r = await curl(['--http1.1', ...urls]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/hello from nginx xff=127\.0\.0\.1 proto=https/g)?.length, 20);
    await waitFor(() => accessLog().length >= 20);
    const lines = accessLog().filter((l) => l.includes('"GET /hello HTTP/1.1"'));
    assert.equal(lines.length, 20);
    const connections = new Set(lines.map((l) => l.split(' ')[0]));
    assert.ok(connections.size < 20, `nginx saw ${connections.size} connections for 20 requests`);
    assert.equal(connections.size, 1);
    assert.ok(lines.every((l) => l.includes('fwd=for=127.0.0.1;proto=https;host=')));
  });

  test('h2 clients are proxied to nginx over HTTP/1.1', async () => {
    const r = await curl(['--http2', '-w', ' %{http_version}', `${base}/hello`]);
    assert.equal(r.stdout, 'hello from nginx xff=127.0.0.1 proto=https\n 2');
  });

  test('static file: GET with Content-Length, HEAD without body, 304 on revalidation', async () => {
    const get = await curl(['--http1.1', '-i', `${base}/index.html`]);
    assert.match(get.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    const etag = /\r\nETag: (\S+)\r\n/i.exec(get.stdout)?.[1];
    assert.ok(etag, 'nginx sends an ETag');
    assert.match(get.stdout, /\r\nContent-Length: 2500\r\n/i);

    const head = await curl(['--http1.1', '-I', '-w', '%{size_download}', `${base}/index.html`]);
    assert.match(head.stdout, /Content-Length: 2500/i);
    assert.match(head.stdout, /\r\n\r\n0$/);

    const cond = await curl([
      '--http1.1',
      '-i',
      '-H',
      `If-None-Match: ${etag}`,
      '-w',
      '%{size_download}',
      `${base}/index.html`,
      `${base}/hello`,
    ]);
    assert.match(cond.stdout, /^HTTP\/1\.1 304 Not Modified\r\n/);
    // The 304 had no body, so the same connection carried the next response.
    assert.match(cond.stdout, /\r\n\r\n0HTTP\/1\.1 200 OK\r\n/);

    const h2 = await curl([
      '--http2',
      '-H',
      `If-None-Match: ${etag}`,
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      `${base}/index.html`,
    ]);
    assert.equal(h2.stdout, '304');
  });

  test('chunked (gzip) responses from nginx are streamed through', async () => {
    const r = await curl(['--http1.1', '--compressed', '-i', `${base}/gz`]);
    assert.match(r.stdout, /content-encoding: gzip/i);
    assert.match(r.stdout, /transfer-encoding: chunked/i);
    assert.ok(r.stdout.endsWith(`${'compress me '.repeat(200)}\n`));
    const two = await curl(['--http2', '--compressed', `${base}/gz`]);
    assert.equal(two.stdout, `${'compress me '.repeat(200)}\n`);
  });

  test('nginx 404 passes through unchanged', async () => {
    const r = await curl(['--http1.1', '-w', '%{http_code}', '-o', '/dev/null', `${base}/missing`]);
    assert.equal(r.stdout, '404');
  });
});
