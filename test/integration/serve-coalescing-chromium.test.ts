// A real browser on a multi-name certificate (issue 13 item 3): headless Chromium loads a page from
// a.test which fetches b.test, then d.test, then c.test. Chromium sends d.test and c.test over the
// connection it opened for b.test (the certificate covers them and they resolve to the same
// address: RFC 9113 §9.1.1; the page's own connection is not used, as its fetches are cross-site).
// d.test is like b.test, so tlsterm serves it there, from d's upstream; c.test has another TLS
// policy, so tlsterm answers 421 and Chromium retries on a connection of its own, which ends at c's.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type ServeProcess, startServe, trustHead } from './serve-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
// In CI the browser is installed by .ci/run: a missing one is a failure there, not a skip.
const skip = !present && process.env['CI'] === undefined ? `${CHROMIUM} is not installed` : false;

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let serve: ServeProcess;
let spki = '';
const servers: net.Server[] = [];
const origins = new Map<string, string>(); // upstream origin → site

const upstream = async (site: string, page?: (port: number) => string): Promise<number> => {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.url === '/' && page !== undefined) {
      res.setHeader('content-type', 'text/html');
      res.end(page(serve.port));
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.end(`site=${site}`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  origins.set(`http://127.0.0.1:${port}`, site);
  return port;
};

// Sequential, so that b.test's connection exists when d.test and c.test are fetched.
const PAGE = (port: number) => `<!doctype html><title>a</title><script>
(async () => {
  const get = async (name) => {
    try {
      const r = await fetch('https://' + name + ':${port}/data');
      return r.status + ' ' + (await r.text());
    } catch (e) { return 'error ' + e; }
  };
  const b = await get('b.test');
  const d = await get('d.test');
  const c = await get('c.test');
  window.results = { b, d, c };
})();
</script>`;

before(async () => {
  if (skip !== false) return;
  tmp = makeTempDir('coalescing');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  const shared = await pki.issue(['a.test', 'b.test', 'c.test', 'd.test'], { name: 'shared' });
  // Chromium trusts the test CA by its SPKI (--ignore-certificate-errors-spki-list): the
  // certificate then verifies, which Chromium requires before it pools a connection for a name.
  const der = crypto.createPublicKey(pki.rootPem).export({ type: 'spki', format: 'der' });
  const leafDer = crypto.createPublicKey(shared.certPem).export({ type: 'spki', format: 'der' });
  spki = [der, leafDer].map((d) => crypto.createHash('sha256').update(d).digest('base64')).join(',');
  const cert = `certificates: [{ cert: ${shared.fullchainPath}, key: ${shared.keyPath} }]`;
  const pa = await upstream('a', PAGE);
  const pb = await upstream('b');
  const pc = await upstream('c');
  const pd = await upstream('d');
  serve = await startServe(
    tmp.dir,
    `${trustHead(pki.rootPath)}  - address: 127.0.0.1:0
    sites:
      - hosts: [a.test]
        ${cert}
        upstream: http://127.0.0.1:${pa}
      - hosts: [b.test]
        ${cert}
        upstream: http://127.0.0.1:${pb}
      - hosts: [c.test]
        ${cert}
        tls: { min_version: TLS1.3 }
        upstream: http://127.0.0.1:${pc}
      - hosts: [d.test]
        ${cert}
        upstream: http://127.0.0.1:${pd}
`,
    ['--workers', '1'],
  );
});

after(async () => {
  await serve?.stop();
  for (const s of servers) s.close();
  tmp?.cleanup();
});

test('Chromium coalesces d.test onto b.test, retries c.test after a 421: each at its own upstream', {
  skip,
  timeout: 90_000,
}, async () => {
  const { chromium } = await import('playwright-core');
  const profile = path.join(tmp.dir, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  try {
    const page = await context.newPage();
    await page.goto(`https://a.test:${serve.port}/`, { timeout: 20_000 });
    await page.waitForFunction(() => 'results' in globalThis, undefined, { timeout: 20_000 });
    const results = await page.evaluate(() => (globalThis as unknown as { results: unknown }).results);
    assert.deepEqual(results, { b: '200 site=b', d: '200 site=d', c: '200 site=c' });
  } finally {
    await context.close();
  }

  const requests = serve.events.filter((e) => e['event'] === 'access' && e['uri'] === '/data');
  const siteOf = (e: Record<string, unknown>) => origins.get(String(e['upstream']));
  // `sni` is on the line only when the request's host names another site than the connection's.
  const sniSite = (e: Record<string, unknown>) => String(e['sni'] ?? e['host']).split('.')[0];
  const all = JSON.stringify(requests);
  // A request sent over another name's connection and served there, by its own site's upstream.
  assert.ok(
    requests.some((e) => e['status'] === 200 && siteOf(e) === 'd' && sniSite(e) !== 'd'),
    `d.test was not coalesced: ${all}`,
  );
  // c.test was sent over another name's connection too, refused with 421, retried on its own.
  const refused = requests.find((e) => e['status'] === 421);
  assert.ok(refused && sniSite(refused) !== 'c', `no 421 for a coalesced c.test: ${all}`);
  assert.match(String(refused['reason']), /host c\.test is served by/);
  assert.ok(
    requests.some((e) => sniSite(e) === 'c' && siteOf(e) === 'c' && e['status'] === 200),
    `no retry of c.test on its own connection: ${all}`,
  );
  // Every answer came from the upstream of the name asked for: none from a.test's (the page's).
  for (const e of requests) if (e['status'] === 200) assert.notEqual(siteOf(e), 'a');
});
