// Key log on demand (seed 002's Wireshark section, in production): POST /api/v1/keylog turns it on
// for one site for a while; a TLS 1.3 request by curl through `tlsterm serve --workers 2`, captured
// on loopback by dumpcap, decrypts in tshark with that file and shows the HTTP request; a request
// to another site, and one while the order is limited to another client CIDR, do not.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { adminFetch, adminPort } from './admin-harness.ts';
import { cannotCapture, capture } from './decrypt-harness.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

const skip = await cannotCapture();

const site = (pki: Pki, host: string) => `      - hosts: [${host}]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;

/** The request paths tshark can read in the capture with this key log. */
async function decryptedPaths(pcap: string, keylog: string): Promise<string[]> {
  const r = await run('/usr/bin/tshark', [
    '-r',
    pcap,
    '-o',
    `tls.keylog_file:${keylog}`,
    '-Y',
    'http.request',
    '-T',
    'fields',
    '-e',
    'http.request.uri',
  ]);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

describe('key log on demand', { skip }, () => {
  let tmp: { dir: string; cleanup(): void };
  let pki: Pki;
  let serve: ServeProcess;
  let port: number;

  before(async () => {
    tmp = makeTempDir('admin-keylog');
    pki = await makePki(path.join(tmp.dir, 'pki'));
    serve = await startServe(
      tmp.dir,
      `admin: { address: "127.0.0.1:0" }
state_dir: ${tmp.dir}/state
${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    sites:
${site(pki, 'a.example.test')}${site(pki, 'b.example.test')}`,
      ['--workers', '2'],
    );
    port = await adminPort(serve);
  });
  after(async () => {
    await serve?.stop();
    tmp?.cleanup();
  });

  const curl = (host: string, pathname: string) =>
    run('curl', [
      '-sS',
      '--http1.1',
      '--tlsv1.3',
      '--cacert',
      pki.rootPath,
      '--resolve',
      `${host}:${serve.port}:127.0.0.1`,
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `https://${host}:${serve.port}${pathname}`,
    ]);

  it('writes the secrets of the site asked for only, 0600, for the time asked; tshark decrypts with them', async () => {
    const on = await adminFetch(port, '/api/v1/keylog', {
      method: 'POST',
      body: { site: 'a.example.test', duration: '5m' },
    });
    assert.equal(on.status, 200, on.text);
    const file = String(on.json?.['file']);
    assert.ok(file.startsWith(path.join(tmp.dir, 'state', 'keylog')), file);
    const until = Date.parse(String(on.json?.['until']));
    assert.ok(
      until > Date.now() + 4 * 60_000 && until <= Date.now() + 5 * 60_000,
      String(on.json?.['until']),
    );
    const announced = await serve.waitFor((e) => e['event'] === 'keylog_on');
    assert.equal(announced['level'], 'warning');
    assert.equal(announced['file'], file);
    assert.deepEqual((await adminFetch(port, '/api/v1/status')).json?.['keylog'], {
      on: true,
      file,
      site: 'a.example.test',
      client: null,
      until: on.json?.['until'],
    });

    const pcap = path.join(tmp.dir, 'lo.pcapng');
    await capture(pcap, serve.port, async () => {
      assert.equal((await curl('a.example.test', '/secret-of-a')).stdout, '200');
      assert.equal((await curl('b.example.test', '/secret-of-b')).stdout, '200');
    });
    const off = await adminFetch(port, '/api/v1/keylog', { method: 'DELETE' });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json?.['on'], false);
    assert.ok(Number(off.json?.['lines']) >= 5, off.text);
    const ended = await serve.waitFor((e) => e['event'] === 'keylog_off');
    assert.equal(ended['why'], 'stopped');
    assert.deepEqual((await adminFetch(port, '/api/v1/status')).json?.['keylog'], { on: false });

    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$/m);
    assert.match(text, /^CLIENT_TRAFFIC_SECRET_0 /m);
    // Exactly one connection's secrets (TLS 1.3: 5 lines): a's, not b's.
    assert.equal(text.match(/^CLIENT_TRAFFIC_SECRET_0 /gm)?.length, 1, text);
    assert.deepEqual(await decryptedPaths(pcap, file), ['/secret-of-a']);
    // After DELETE, nothing more is written.
    await curl('a.example.test', '/after-off');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  it('limited to a client CIDR the connection is not in: nothing is written', async () => {
    const on = await adminFetch(port, '/api/v1/keylog', {
      method: 'POST',
      body: { client: '10.0.0.0/8', duration: '1m', file: 'far.keys' },
    });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json?.['file'], path.join(tmp.dir, 'state', 'keylog', 'far.keys'));
    assert.equal((await curl('a.example.test', '/from-loopback')).stdout, '200');
    const off = await adminFetch(port, '/api/v1/keylog', { method: 'DELETE' });
    assert.equal(off.json?.['lines'], 0, off.text);
    assert.equal(fs.readFileSync(String(on.json?.['file']), 'utf8'), '');
  });

  it('ends by itself at the end of its duration (keylog_off, why: expired)', async () => {
    const on = await adminFetch(port, '/api/v1/keylog', { method: 'POST', body: { duration: '1s' } });
    assert.equal(on.status, 200, on.text);
    const ended = await serve.waitFor((e) => e['event'] === 'keylog_off' && e['why'] === 'expired', 10_000);
    assert.equal(ended['file'], on.json?.['file']);
    assert.deepEqual((await adminFetch(port, '/api/v1/status')).json?.['keylog'], { on: false });
  });

  it('refuses a duration over 1h, an unknown site and a bad CIDR, saying why', async () => {
    const long = await adminFetch(port, '/api/v1/keylog', { method: 'POST', body: { duration: '2h' } });
    assert.equal(long.status, 400);
    assert.match(String(long.json?.['error']), /at most 1h/);
    const site = await adminFetch(port, '/api/v1/keylog', { method: 'POST', body: { site: 'nope.test' } });
    assert.equal(site.status, 400);
    assert.match(String(site.json?.['error']), /no terminating site nope\.test/);
    const cidr = await adminFetch(port, '/api/v1/keylog', {
      method: 'POST',
      body: { client: '10.0.0.0/99' },
    });
    assert.equal(cidr.status, 400);
    assert.equal((await adminFetch(port, '/api/v1/keylog', { method: 'DELETE' })).status, 404);
  });
});
