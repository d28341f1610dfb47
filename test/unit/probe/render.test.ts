import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeFindings } from '../../../src/probe/grade.ts';
import { renderProbeReport } from '../../../src/probe/render.ts';
import { findings, NO, report } from './report-fixture.ts';

describe('renderProbeReport', () => {
  it('shows the grade with every reason, versions, suites with both names, groups, chain and features', () => {
    const f = findings({ fallback_scsv: NO });
    const text = renderProbeReport({ ...f, ...gradeFindings(f) });
    assert.match(
      text,
      /^tlsterm probe a\.test:443 \(192\.0\.2\.1\), SNI a\.test — 150 connections in 100 ms/,
    );
    assert.match(text, /Grade A- {3}score 93\/100/);
    assert.match(text, /cap A- +no_fallback_scsv +TLS_FALLBACK_SCSV is not honoured/);
    assert.match(text, /TLS1\.0 +no/);
    assert.match(text, /TLS1\.3 +yes/);
    assert.match(
      text,
      /Cipher suites TLS1\.2 \(server order\)\n {2}0xC02C +TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 +ECDHE-ECDSA-AES256-GCM-SHA384 +AEAD\/PFS +256/,
    );
    assert.match(text, /X25519MLKEM768 +TLS1\.3 +no retry +post-quantum/);
    assert.match(text, /ALPN: h2, http\/1\.1 \(server picks h2\)/);
    assert.match(text, /trust: trusted \(system\)/);
    assert.match(text, /HSTS +max-age=31536000; includeSubDomains/);
    // Columns line up: the suite names start in the same column on every row.
    const rows = text.split('\n').filter((l) => /^ {2}0x/.test(l));
    assert.ok(rows.length >= 4);
  });

  it('prints the failure table when nothing was negotiated', () => {
    const text = renderProbeReport(
      report(
        {
          failure: {
            reason: 'unknown_sni',
            detail: 'the server refuses the name "x.test"',
            attempts: [{ offer: 'TLS1.3 with SNI x.test', outcome: 'alert unrecognized_name' }],
          },
        },
        { grade: 'F' },
      ),
    );
    assert.match(text, /No TLS handshake \(unknown_sni\): the server refuses the name "x\.test"/);
    assert.match(text, /offer +answer\n {2}TLS1\.3 with SNI x\.test +alert unrecognized_name/);
    assert.doesNotMatch(text, /Cipher suites/);
  });

  it('says "not tested (why)" for a version, a feature and ALPN it could not test, "no" for a refusal', () => {
    const text = renderProbeReport(
      report({
        versions_not_tested: { 'TLS1.0': 'timeout: no answer within 3000 ms' },
        client_renegotiation: {
          state: 'not_tested',
          why: "Node's TLS client could not complete a handshake: ECONNRESET",
        },
        alpn: [],
        alpn_not_tested: 'closed: the server closed the connection',
      }),
    );
    assert.match(text, /TLS1\.0 +not tested \(timeout: no answer within 3000 ms\)\n {2}TLS1\.1 +no\n/);
    assert.match(
      text,
      /Client renegotiation +not tested \(Node's TLS client could not complete a handshake: ECONNRESET\)/,
    );
    assert.match(text, /Compression +no\n/);
    assert.match(text, /ALPN: not tested \(closed: the server closed the connection\)/);
  });
});
