// Via toward the upstream (RFC 9110 §7.6.3: a gateway sends it on the requests it forwards), and
// `upstream.via: false` for backends that act on it: nginx, with its default `gzip_proxied off`,
// does not compress responses to requests that carry Via. A real nginx shows both sides.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasNginx, type RunningNginx, startNginx } from '../helpers/nginx.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { waitFor } from './http-harness.ts';
import { configHead, type ServeProcess, startServe } from './serve-harness.ts';

const skip = hasNginx() ? false : 'nginx is not installed (apt-get install -y nginx-light)';

let serve: ServeProcess;
let nginx: RunningNginx;
let tmp: { dir: string; cleanup: () => void };
let rootPath: string;

before(async () => {
  if (skip) return;
  tmp = makeTempDir('tlsterm-via');
  const pki = await makePki(tmp.dir);
  rootPath = pki.rootPath;
  fs.chmodSync(tmp.dir, 0o755); // nginx's workers run unprivileged and must reach the files
  const www = path.join(tmp.dir, 'nginx', 'www');
  fs.mkdirSync(www, { recursive: true });
  fs.writeFileSync(path.join(www, 'page.txt'), 'compress me '.repeat(200));
  nginx = await startNginx(
    path.join(tmp.dir, 'nginx'),
    (port) => `
  log_format via '$host via=[$http_via]';
  access_log ${tmp.dir}/nginx/access.log via;
  gzip on;
  gzip_min_length 1;
  gzip_types text/plain;
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }`,
  );
  const cert = `{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }`;
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, rootPath)}  - name: edge
    address: 127.0.0.1:0
    sites:
      - hosts: [with-via.example.test]
        certificates: [${cert}]
        upstream: http://127.0.0.1:${nginx.port}
      - hosts: [without-via.example.test]
        certificates: [${cert}]
        upstream: { url: "http://127.0.0.1:${nginx.port}", via: false }
`,
  );
});

after(async () => {
  await serve?.stop();
  await nginx?.stop();
  tmp?.cleanup();
});

const curl = (host: string, args: string[]) =>
  new Promise<string>((resolve) =>
    execFile(
      'curl',
      [
        '-s',
        '-i',
        '--compressed',
        '--cacert',
        rootPath,
        '--resolve',
        `${host}:${serve.port}:127.0.0.1`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 8000 },
      (_error, stdout) => resolve(stdout),
    ),
  );

const loggedBy = (host: string): string[] =>
  fs
    .readFileSync(path.join(tmp.dir, 'nginx', 'access.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${host} `));

/**
 * nginx's lines for `host` once there are `count` of them: nginx writes a request's access line
 * after it has sent the response, so curl can be done before the line is (CI saw the last one missing).
 */
const nginxSaw = async (host: string, count: number): Promise<string[]> => {
  await waitFor(() => loggedBy(host).length >= count);
  return loggedBy(host);
};

describe('Via toward the upstream', { skip }, () => {
  test('default: nginx sees "Via: 1.1 tlsterm" (2 for h2 clients) and, with gzip_proxied off, does not compress', async () => {
    const h1 = await curl('with-via.example.test', [
      '--http1.1',
      `https://with-via.example.test:${serve.port}/page.txt`,
    ]);
    assert.match(h1, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(h1, /content-encoding: gzip/i);
    const h2 = await curl('with-via.example.test', [
      '--http2',
      `https://with-via.example.test:${serve.port}/page.txt`,
    ]);
    assert.match(h2, /^HTTP\/2 200/);
    assert.deepEqual(await nginxSaw('with-via.example.test', 2), [
      'with-via.example.test via=[1.1 tlsterm]',
      'with-via.example.test via=[2 tlsterm]',
    ]);
  });

  test('via: false: no Via reaches nginx, which compresses; a client Via still passes through', async () => {
    for (const version of ['--http1.1', '--http2']) {
      const r = await curl('without-via.example.test', [
        version,
        `https://without-via.example.test:${serve.port}/page.txt`,
      ]);
      assert.match(r, /content-encoding: gzip/i);
      assert.ok(r.endsWith('compress me '.repeat(200)), 'the body arrives whole');
    }
    await curl('without-via.example.test', [
      '-H',
      'Via: 1.1 edge',
      `https://without-via.example.test:${serve.port}/page.txt`,
    ]);
    // nginx logs an absent header as "-".
    assert.deepEqual(await nginxSaw('without-via.example.test', 3), [
      'without-via.example.test via=[-]',
      'without-via.example.test via=[-]',
      'without-via.example.test via=[1.1 edge]',
    ]);
  });
});
