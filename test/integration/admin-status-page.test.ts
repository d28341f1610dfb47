// The status page in real headless Chromium (Debian's, driven by playwright-core): served by the
// admin listener of `tlsterm serve --workers 2` under its strict CSP, it loads with no console error
// and its charts show the handshakes this test made — TLS 1.3 and 1.2, a resumption, a refused
// cipher (no_common_cipher) — and a request to an upstream that is down. The screenshot goes to
// docs/images/status-page.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { adminFetch, adminPort } from './admin-harness.ts';
import { configHead, inspectSite, type ServeProcess, sClient, startServe } from './serve-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
// In CI the browser is installed by .ci/run: a missing one is a failure there, not a skip.
const skip = !present && process.env['CI'] === undefined ? `${CHROMIUM} is not installed` : false;
const SCREENSHOT = path.resolve(import.meta.dirname, '../../docs/images/status-page.png');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let admin: number;

before(async () => {
  if (skip !== false) return;
  tmp = makeTempDir('admin-status-page');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const dir = path.join(tmp.dir, 'serve');
  fs.mkdirSync(dir, { recursive: true });
  // A second site whose upstream is a port nobody listens on: its requests are upstream errors.
  const down = await freePort();
  const yaml =
    `admin: { address: "127.0.0.1:0" }\n${configHead(dir, pki.rootPath)}  - address: 127.0.0.1:0\n    sites:\n` +
    `${inspectSite(pki)}      - hosts: [down.example.test]\n` +
    `        certificates: [{ cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }]\n` +
    `        upstream: http://127.0.0.1:${down}\n`;
  serve = await startServe(dir, yaml, ['--workers', '2']);
  admin = await adminPort(serve);
});
after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

const count = (event: string) => serve.events.filter((e) => e['event'] === event).length;

test('the status page loads under its CSP with no console error and charts the test’s handshakes and failure', {
  skip,
  timeout: 120_000,
}, async () => {
  const sni = ['-servername', 'example.test', '-CAfile', pki.rootPath];
  const sess = path.join(tmp.dir, 'session.pem');
  for (let i = 0; i < 4; i++) sClient(serve.port, [...sni, '-tls1_3']);
  sClient(serve.port, [...sni, '-tls1_2', '-sess_out', sess]);
  assert.match(sClient(serve.port, [...sni, '-tls1_2', '-sess_in', sess]), /^Reused, /m);
  assert.match(sClient(serve.port, [...sni, '-tls1_2', '-cipher', 'AES128-SHA']), /Cipher is \(NONE\)/);
  for (const host of ['example.test', 'example.test', 'down.example.test']) {
    const r = spawnSync(
      'curl',
      [
        '-sS',
        '-o',
        '/dev/null',
        '--cacert',
        pki.rootPath,
        '--resolve',
        `${host}:${serve.port}:127.0.0.1`,
        `https://${host}:${serve.port}/`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(r.status, 0, r.stderr);
  }
  await serve.waitFor(
    () => count('handshake') === 9 && count('handshake_failed') === 1 && count('access') === 3,
    15_000,
  );

  // The page is public (it holds no data); the CSP allows its own script and style only.
  const res = await adminFetch(admin, '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'sha256-/);

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${admin}/`, { timeout: 20_000 });
    // A locator, not waitForFunction: the page's CSP forbids the eval that polling a predicate needs.
    await page.locator('#meta', { hasText: /^updated/ }).waitFor({ timeout: 20_000 });
    const label = (id: string) => page.locator(`#${id} svg`).getAttribute('aria-label');
    assert.equal(await label('minutes'), 'Handshakes per minute over the last hour: 9 ok, 1 failed');
    assert.equal(await label('failures'), 'Failure reasons: no_common_cipher 1');
    const versions = (await label('versions')) ?? '';
    assert.match(versions, /TLS1\.3 7/); // 4 s_client + 3 curl
    assert.match(versions, /TLS1\.2 2/);
    assert.match((await label('resumption')) ?? '', /resumed by ticket 1/);
    assert.match((await label('requests')) ?? '', /2xx 2/);
    assert.match((await label('upstream')) ?? '', /Upstream errors: \w+ 1/);
    assert.match((await label('certs')) ?? '', /listeners\[0\]\.sites\[0\] \d+ days/);
    // What an operator reads: the tiles' text.
    const tiles = (await page.locator('#tiles').textContent()) ?? '';
    assert.match(tiles, /10handshakes \(hour\)/);
    assert.match(tiles, /1failed handshakes/);
    assert.match(tiles, /2 \/ 2workers answering/);
    assert.equal((await page.locator('#workers tr').count()) - 1, 2);
    // Each worker's open connections (how the kernel spread them): a number, not the placeholder.
    assert.match((await page.locator('#workers tr').first().textContent()) ?? '', /connections/);
    for (const cell of await page.locator('#workers tr td:nth-child(4)').allInnerTexts())
      assert.match(cell, /^\d+$/);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
