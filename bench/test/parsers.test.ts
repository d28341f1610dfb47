import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCurlWriteOut } from '../lib/curl-download.ts';
import { median, spread } from '../lib/stats.ts';
import { parseWrkOutput } from '../lib/wrk.ts';

const wrkOutput = `Running 3s test @ https://127.0.0.1:41234/1k
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  301.11us   9.87ms   91.20%
    Req/Sec    21.05k     1.02k   22.31k    80.00%
  63150 requests in 3.00s, 76.84MB read
Requests/sec:  21040.12
Transfer/sec:     25.60MB
`;

describe('parseWrkOutput', () => {
  it('reads the request count and duration, not the rounded Requests/sec line', () => {
    const result = parseWrkOutput(wrkOutput);
    assert.ok(result.ok);
    assert.equal(result.value.requests, 63150);
    assert.equal(result.value.seconds, 3);
    assert.equal(result.value.requestsPerSecond, 21050);
    assert.equal(result.value.socketErrors, 0);
    assert.equal(result.value.non2xx, 0);
  });

  it('sums socket errors and reads non-2xx responses', () => {
    const text = wrkOutput.replace(
      'Requests/sec',
      '  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 17\nRequests/sec',
    );
    const result = parseWrkOutput(text);
    assert.ok(result.ok);
    assert.equal(result.value.socketErrors, 10);
    assert.equal(result.value.non2xx, 17);
  });

  it('converts a duration given in milliseconds', () => {
    const result = parseWrkOutput('  500 requests in 250.00ms, 1.00MB read\n');
    assert.ok(result.ok);
    assert.equal(result.value.requestsPerSecond, 2000);
  });

  it('rejects output without a summary line', () => {
    const result = parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n');
    assert.equal(result.ok, false);
  });
});

describe('parseCurlWriteOut', () => {
  it('reads status, size and time', () => {
    assert.deepEqual(parseCurlWriteOut('200 134217728 0.312500'), {
      ok: true,
      value: { bytes: 134217728, seconds: 0.3125 },
    });
  });

  it('refuses a non-200 status, so an error page is never counted as throughput', () => {
    const result = parseCurlWriteOut('502 157 0.001');
    assert.deepEqual(result, { ok: false, error: 'HTTP status 502' });
  });

  it('refuses garbage', () => {
    assert.equal(parseCurlWriteOut('').ok, false);
  });
});

describe('median and spread', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even count', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), undefined);
  });

  it('gives the range relative to the median', () => {
    assert.equal(spread([90, 100, 110]), 0.2);
    assert.equal(spread([5]), 0);
    assert.equal(spread([]), undefined);
  });
});
