// The inspect page in a real browser (issue 19): headless Chromium opens it over TLS 1.3 (with the
// post-quantum X25519MLKEM768 group it offers) and over TLS 1.2; the page loads with no console
// error, shows the browser's own ladder and key schedule, and a term link jumps to its
// explanation. The TLS 1.3 view is saved as docs/images/inspect-page.png.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const skip = !present && process.env['CI'] === undefined ? `${CHROMIUM} is not installed` : false;
const SCREENSHOT = path.resolve(import.meta.dirname, '../../docs/images/inspect-page.png');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let spki = '';

before(async () => {
  if (skip !== false) return;
  tmp = makeTempDir('inspect-chromium');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  spki = [pki.rootPem, pki.chains.ec.certPem, pki.chains.rsa.certPem]
    .map((pem) =>
      crypto
        .createHash('sha256')
        .update(crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' }))
        .digest('base64'),
    )
    .join(',');
  serve = await startServe(
    tmp.dir,
    `${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        tls: { min_version: TLS1.3 }
        handler: inspect
      - hosts: [a.example.test]
        certificates: [{ cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }]
        tls: { max_version: TLS1.2 }
        handler: inspect
`,
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

test('Chromium sees its own connection on the inspect page, TLS 1.3 and TLS 1.2', {
  skip,
  timeout: 90_000,
}, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--host-resolver-rules=MAP *example.test 127.0.0.1',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(`https://example.test:${serve.port}/`, { timeout: 20_000 });
    const facts = (await page.locator('#facts + table').textContent()) ?? '';
    assert.match(facts, /TLS version\s*TLS1\.3/);
    assert.match(
      facts,
      /Key-exchange group\s*X25519MLKEM768/,
      'this Chromium offers the post-quantum hybrid first',
    );
    assert.match(facts, /Post-quantum\s*yes/);
    assert.match(facts, /Forward secrecy\s*yes/);
    const ladder = (await page.locator('.ladder').first().textContent()) ?? '';
    for (const m of [
      'ClientHello',
      'ServerHello',
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
    ])
      assert.ok(ladder.includes(m), `the ladder has ${m}`);
    assert.match(ladder, /HTTP\/2 connection preface →/, "the browser's own HTTP/2 request, decrypted");
    assert.ok(
      (await page.locator('table.keys').first().textContent())?.includes(
        'client_application_traffic_secret_0',
      ),
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    // A term link jumps to its explanation.
    await page.locator('a[href="#term-forward-secrecy"]').first().click();
    assert.equal(new URL(page.url()).hash, '#term-forward-secrecy');
    assert.ok(await page.locator('#term-forward-secrecy').isVisible());

    await page.goto(`https://a.example.test:${serve.port}/`, { timeout: 20_000 });
    const facts12 = (await page.locator('#facts + table').textContent()) ?? '';
    assert.match(facts12, /TLS version\s*TLS1\.2/);
    const ladder12 = (await page.locator('.ladder').first().textContent()) ?? '';
    for (const m of ['ClientKeyExchange', 'ChangeCipherSpec', 'Finished'])
      assert.ok(ladder12.includes(m), `TLS 1.2 ladder has ${m}`);
    assert.ok((await page.locator('table.keys').first().textContent())?.includes('master_secret'));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
