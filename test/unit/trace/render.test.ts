// The three renderings of one RFC 8448 session: the ladder, JSON with the names, HTML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpFirstLine } from '../../../src/trace/http-peek.ts';
import { buildRequest } from '../../../src/trace/live.ts';
import { renderReport } from '../../../src/trace/render.ts';
import { renderHtml } from '../../../src/trace/render-html.ts';
import { renderText } from '../../../src/trace/render-text.ts';
import { traceSession } from '../../../src/trace/session.ts';
import type { TraceReport } from '../../../src/trace/types.ts';
import { toHex } from '../../../src/wire/bytes.ts';
import { parseKeyLog } from '../../../src/wire/keylog.ts';
import { rfc8448Record, rfc8448 as v } from '../../fixtures/trace/rfc8448.ts';

const cr = toHex(v('client_hello').subarray(6, 38));
const keyLog = parseKeyLog(
  [
    ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'client_handshake_traffic_secret'],
    ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'server_handshake_traffic_secret'],
    ['CLIENT_TRAFFIC_SECRET_0', 'client_application_traffic_secret_0'],
    ['SERVER_TRAFFIC_SECRET_0', 'server_application_traffic_secret_0'],
  ]
    .map(([label, name]) => `${label} ${cr} ${toHex(v(name!))}`)
    .join('\n'),
);
const report: TraceReport = {
  sessions: [
    traceSession({
      client: '127.0.0.1:50522',
      server: '127.0.0.1:443',
      keyLog,
      chunks: [
        { dir: 'client', data: rfc8448Record('client_hello_record', 'client_hello'), time: 10 },
        {
          dir: 'server',
          data: Buffer.concat([
            rfc8448Record('server_hello_record', 'server_hello'),
            v('server_handshake_record'),
          ]),
          time: 10.002,
        },
        { dir: 'client', data: v('client_finished_record'), time: 10.003 },
        { dir: 'client', data: v('client_application_data_record'), time: 10.004 },
      ],
    }),
  ],
};

describe('renderers', () => {
  it('draws the ladder: arrows by direction, keys, decoded messages, verdicts', () => {
    const text = renderText(report);
    assert.match(text, /^TLS 127\.0\.0\.1:50522 → 127\.0\.0\.1:443 {2}SNI server$/m);
    assert.match(text, /TLS1\.3 · TLS_AES_128_GCM_SHA256 · ECDHE \(x25519\)/);
    assert.match(text, /decrypted: yes/);
    assert.match(text, /server_handshake_write_key +3fce516009c21727d0f2e4e86ee403bc/);
    assert.match(text, / 0\.000s {2}├─ ClientHello ─+▶│ {2}handshake #0 · 196 B/);
    assert.match(text, /│◀─+ EncryptedExtensions, Certificate, Certifica… ─┤ {2}🔒/);
    assert.match(text, /🔒 handshake keys #0 · 674 B · tag ✓/);
    assert.match(text, /Finished: verify_data 9b9b141d906337fbd2cbdce7… ✓ matches our computation/);
    assert.match(text, /CN=rsa \(issuer CN=rsa; rsa 1024;/);
    assert.match(
      text,
      /not derivable here: early_secret, handshake_secret, master_secret, resumption_master_secret/,
    );
  });

  it('keeps the issue’s JSON names', () => {
    const json = JSON.parse(renderReport(report, 'json')) as { sessions: Record<string, unknown>[] };
    const s = json.sessions[0]!;
    for (const key of [
      'client',
      'server',
      'sni',
      'version',
      'suite',
      'group',
      'secrets',
      'keys',
      'records',
      'decrypted',
      'why_not',
    ])
      assert.ok(key in s, key);
    const rec = (s['records'] as Record<string, unknown>[])[3]!;
    assert.deepEqual(
      [rec['dir'], rec['seq'], rec['type'], rec['messages']],
      ['client', 0, 'handshake', ['Finished']],
    );
    assert.equal(typeof rec['plaintext_b64'], 'string');
    assert.equal(
      (s['secrets'] as Record<string, string>)['client_handshake_traffic_secret'],
      toHex(v('client_handshake_traffic_secret')),
    );
    assert.equal(
      (s['keys'] as Record<string, string>)['client_write_key'],
      toHex(v('client_application_write_key')),
    );
  });

  it('writes a self-contained HTML page that escapes what peers sent', () => {
    const evil: TraceReport = { sessions: [{ ...report.sessions[0]!, sni: '<script>alert(1)</script>' }] };
    const html = renderHtml(evil, 'trace <of> test');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<title>trace &lt;of&gt; test<\/title>/);
    assert.doesNotMatch(html, /<link|src=|https?:\/\//);
    assert.match(html, /This page contains TLS session secrets/);
  });

  it('recognises HTTP in application data and builds requests', () => {
    assert.equal(httpFirstLine(Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n')), 'GET /x HTTP/1.1');
    assert.equal(httpFirstLine(Buffer.from('HTTP/1.1 404 Not Found\r\n')), 'HTTP/1.1 404 Not Found');
    assert.equal(httpFirstLine(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')), 'HTTP/2 connection preface');
    assert.equal(httpFirstLine(Uint8Array.of(0, 1, 2)), undefined);
    assert.equal(
      buildRequest('GET /', 'a.test'),
      'GET / HTTP/1.1\r\nHost: a.test\r\nUser-Agent: tlsterm-trace\r\nConnection: close\r\n\r\n',
    );
    assert.equal(buildRequest('PING\\r\\n', 'a.test'), 'PING\r\n');
  });
});
