// h2load's summary, read from output captured from h2load 1.52 (Debian 12) against nginx 1.22 on
// loopback: an h2 run, a server without h2 (h2 offered alone), an HTTP/1.1 fallback (h2load's default
// ALPN list), and 404s.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h2loadArgs, parseH2loadOutput } from '../lib/h2load.ts';

const head = `starting benchmark...
spawning thread #0: 4 total client(s). Timing-based test with 0s of warm-up time and 1s of main duration for measurements.
Warm-up started for thread #0.
progress: 25% of clients started
progress: 50% of clients started
progress: 75% of clients started
progress: 100% of clients started
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
`;

const h2Run = `${head}TLS Protocol: TLSv1.3
Cipher: TLS_AES_128_GCM_SHA256
Server Temp Key: X25519 253 bits
Application protocol: h2
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 1.00s, 33549.00 req/s, 36.79MB/s
requests: 33549 total, 33581 started, 33549 done, 33549 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 33549 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 36.79MB (38581546) total, 3.46MB (3623292) headers (space savings 39.66%), 32.76MB (34354176) data
                     min         max         mean         sd        +/- sd
time for request:       46us      8.88ms       912us       436us    81.99%
time for connect:     9.82ms     21.00ms     13.62ms      5.03ms    75.00%
time to 1st byte:    19.29ms     22.29ms     20.23ms      1.39ms    75.00%
req/s           :    8346.00     8444.61     8383.26       43.13    75.00%
`;

// --npn-list=h2 against a server that offers http/1.1 only: no protocol line, nothing sent.
const noH2 = `${head}Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 1.00s, 0.00 req/s, 0B/s
requests: 0 total, 0 started, 0 done, 0 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 0B (0) total, 0B (0) headers (space savings 0.00%), 0B (0) data
                     min         max         mean         sd        +/- sd
time for request:        0us         0us         0us         0us     0.00%
time for connect:        0us         0us         0us         0us     0.00%
time to 1st byte:        0us         0us         0us         0us     0.00%
req/s           :       0.00        0.00        0.00        0.00   100.00%
`;

// h2load's default list (h2 first, then http/1.1) against the same server: it falls back silently.
const h1Fallback = `${head}TLS Protocol: TLSv1.3
Cipher: TLS_AES_128_GCM_SHA256
Server Temp Key: X25519 253 bits
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 1.00s, 32029.00 req/s, 38.61MB/s
requests: 32029 total, 32061 started, 32029 done, 32029 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 32029 2xx, 0 3xx, 0 4xx, 0 5xx
`;

const notFound = `${head}TLS Protocol: TLSv1.3
Cipher: TLS_AES_128_GCM_SHA256
Server Temp Key: X25519 253 bits
Application protocol: h2
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 1.01s, 36058.00 req/s, 7.60MB/s
requests: 36058 total, 36090 started, 36058 done, 0 succeeded, 36058 failed, 0 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 36058 4xx, 0 5xx
`;

describe('parseH2loadOutput', () => {
  it('reads an h2 run: protocol, requests, h2load’s own rate, the TLS parameters', () => {
    const result = parseH2loadOutput(h2Run);
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.deepEqual(result.value, {
      protocol: 'h2',
      done: 33549,
      succeeded: 33549,
      seconds: 1,
      requestsPerSecond: 33549,
      failed: 0,
      non2xx: 0,
      tls: 'TLSv1.3 TLS_AES_128_GCM_SHA256 X25519',
    });
  });

  it('refuses a server that did not negotiate h2, so no figure is reported for it', () => {
    assert.deepEqual(parseH2loadOutput(noH2), {
      ok: false,
      error: 'h2load: the server did not negotiate h2 by ALPN (no request sent)',
    });
  });

  it('refuses an HTTP/1.1 fallback: HTTP/1.1 figures are not HTTP/2 figures', () => {
    assert.deepEqual(parseH2loadOutput(h1Fallback), {
      ok: false,
      error: 'h2load: the server chose http/1.1 by ALPN, not h2',
    });
  });

  it('counts non-2xx answers apart from requests without an answer', () => {
    const result = parseH2loadOutput(notFound);
    assert.ok(result.ok);
    assert.equal(result.value.non2xx, 36058);
    assert.equal(result.value.failed, 0, "h2load's failed count includes the 4xx");
    assert.equal(result.value.requestsPerSecond, 0, 'only 2xx answers count toward the rate');
  });

  it('counts reset or closed streams as failed', () => {
    const text = h2Run
      .replace(
        '33549 done, 33549 succeeded, 0 failed, 0 errored',
        '33549 done, 33540 succeeded, 9 failed, 9 errored',
      )
      .replace('33549 2xx', '33540 2xx');
    const result = parseH2loadOutput(text);
    assert.ok(result.ok);
    assert.equal(result.value.failed, 9);
    assert.equal(result.value.non2xx, 0);
  });

  it('refuses output without a summary', () => {
    const result = parseH2loadOutput('Application protocol: h2\n');
    assert.equal(result.ok, false);
  });
});

describe('h2loadArgs', () => {
  it('offers h2 alone, one thread, a timed run, the bench host as :authority', () => {
    assert.deepEqual(
      h2loadArgs({
        url: 'https://127.0.0.1:8443/1k',
        authority: 'bench.test',
        connections: 4,
        streams: 8,
        seconds: 3,
      }),
      [
        '--npn-list=h2',
        '-t1',
        '-c4',
        '-m8',
        '-D3',
        '-H',
        ':authority: bench.test',
        'https://127.0.0.1:8443/1k',
      ],
    );
  });
});
