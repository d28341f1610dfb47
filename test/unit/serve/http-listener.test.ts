import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHttpListener, httpsRedirectTarget } from '../../../src/serve/http-listener.ts';

test('redirect target: host without its port, https port when not 443, path kept', () => {
  assert.equal(httpsRedirectTarget('Example.TEST:80', '/a?b=1', 443), 'https://example.test/a?b=1');
  assert.equal(httpsRedirectTarget('example.test', '/', 8443), 'https://example.test:8443/');
  assert.equal(httpsRedirectTarget('[::1]:8080', '/x', 443), 'https://[::1]/x');
  assert.equal(httpsRedirectTarget(undefined, '/', 443), undefined);
  assert.equal(httpsRedirectTarget('evil.test/@other', '/', 443), undefined);
});

test('answers HTTP-01 tokens from the lookup, 404 for unknown ones, 308 for the rest', async () => {
  const events: Record<string, unknown>[] = [];
  const server = createHttpListener(
    { name: 'http', host: '127.0.0.1', port: 0, redirectHttps: true, httpsPort: 8443 },
    (token) => (token === 'tok-1' ? 'tok-1.thumb' : undefined),
    (e) => events.push(e),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const base = `http://127.0.0.1:${port}`;
    const ok = await fetch(`${base}/.well-known/acme-challenge/tok-1`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'tok-1.thumb');
    assert.equal((await fetch(`${base}/.well-known/acme-challenge/nope`)).status, 404);
    // fetch cannot set Host: node:http can.
    const redirect = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/path?q=1', headers: { host: 'site.test' } }, resolve)
        .on('error', reject),
    );
    redirect.resume();
    assert.equal(redirect.statusCode, 308);
    assert.equal(redirect.headers.location, 'https://site.test:8443/path?q=1');
    assert.deepEqual(
      events.map((e) => e['token_known']),
      [true, false],
    );
  } finally {
    server.close();
  }
});
