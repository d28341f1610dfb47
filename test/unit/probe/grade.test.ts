import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeFindings, gradeRank, parseGrade } from '../../../src/probe/grade.ts';
import { suiteFinding } from '../../../src/probe/suite-finding.ts';
import { chain, findings, NO, served, YES } from './report-fixture.ts';

const rules = (r: ReturnType<typeof gradeFindings>): string[] =>
  r.reasons.map((x) => `${x.rule}:${x.effect}`);

describe('gradeFindings', () => {
  it('gives A+ to a clean TLS 1.2/1.3 server with HSTS, and says where the points went', () => {
    const r = gradeFindings(findings());
    assert.equal(r.grade, 'A+');
    assert.equal(r.score, 93);
    assert.deepEqual(rules(r), ['key_exchange_score:-3 points', 'cipher_score:-4 points']);
  });

  it('A without HSTS, with the reason for the missing plus', () => {
    const r = gradeFindings(
      findings({ hsts: { state: 'not_tested', why: '--no-http: GET / was not sent' } }),
    );
    assert.equal(r.grade, 'A');
    assert.ok(r.reasons.some((x) => x.rule === 'a_plus' && /HSTS/.test(x.detail)));
  });

  it('caps: TLS 1.0 → B, no AEAD → B, RC4 → C, 3DES → C, SSLv3 → C, export → F', () => {
    const v = (extra: Partial<Record<string, boolean>>) => ({ ...findings().versions, ...extra });
    assert.equal(gradeFindings(findings({ versions: v({ 'TLS1.0': true }) })).grade, 'B');
    const cbcOnly = findings({
      suites: { 'TLS1.2': [0xc013, 0xc014].map(suiteFinding) },
      versions: v({ 'TLS1.3': false }),
    });
    const cbc = gradeFindings(cbcOnly);
    assert.equal(cbc.grade, 'B');
    assert.ok(rules(cbc).includes('no_aead:cap B'));
    const withSuite = (id: number) => findings({ suites: { 'TLS1.2': [0xc02b, id].map(suiteFinding) } });
    assert.equal(gradeFindings(withSuite(0x0005)).grade, 'C');
    assert.ok(rules(gradeFindings(withSuite(0x000a))).includes('64bit_block:cap C'));
    assert.equal(gradeFindings(findings({ versions: v({ SSLv3: true }) })).grade, 'C');
    assert.equal(gradeFindings(withSuite(0x0003)).grade, 'F');
    assert.equal(gradeFindings(withSuite(0x0034)).grade, 'F', 'anonymous');
  });

  it('no forward secrecy → B; compression → C; missing fallback SCSV → A-', () => {
    const noPfs = gradeFindings(
      findings({
        suites: { 'TLS1.2': [0x009c, 0x009d].map(suiteFinding) },
        versions: { ...findings().versions, 'TLS1.3': false },
      }),
    );
    assert.ok(rules(noPfs).includes('no_pfs:cap B'));
    assert.equal(gradeFindings(findings({ compression: YES })).grade, 'C');
    const a = gradeFindings(findings({ fallback_scsv: NO }));
    assert.equal(a.grade, 'A-');
    assert.ok(rules(a).includes('no_fallback_scsv:cap A-'));
  });

  it('key exchange: RSA 512 → F, RSA 1024 → B, small DHE primes cap', () => {
    const rsa = (bits: number) => chain({}, `RSA ${bits}`);
    assert.equal(gradeFindings(findings({ chain: rsa(512), certificates: [served(rsa(512))] })).grade, 'F');
    assert.equal(gradeFindings(findings({ chain: rsa(1024), certificates: [served(rsa(1024))] })).grade, 'B');
    assert.equal(gradeFindings(findings({ dh_bits: 1024 })).grade, 'B');
    assert.equal(gradeFindings(findings({ dh_bits: 768 })).grade, 'F');
    const r = gradeFindings(findings({ dh_bits: 4096, groups: [] }));
    assert.equal(r.score, 93);
  });

  it('trust: untrusted → T, name mismatch → M, each with the grade it would have had', () => {
    const untrusted = chain({ trusted: false, trust_error: 'unknown CA: "CN=x"' });
    const t = gradeFindings(findings({ chain: untrusted, certificates: [served(untrusted)] }));
    assert.equal(t.grade, 'T');
    assert.equal(t.grade_ignoring_trust, 'A+');
    assert.ok(t.reasons.some((x) => x.rule === 'untrusted' && /unknown CA/.test(x.detail)));
    const mismatch = chain({ name_match: false });
    const m = gradeFindings(findings({ chain: mismatch, certificates: [served(mismatch)] }));
    assert.equal(m.grade, 'M');
  });

  it('incomplete chain that the store can finish → B', () => {
    const c = chain({ complete: false, missing: ['CN=Intermediate'] });
    const r = gradeFindings(findings({ chain: c, certificates: [served(c)] }));
    assert.equal(r.grade, 'B');
    assert.ok(r.reasons.some((x) => x.rule === 'incomplete_chain' && /CN=Intermediate/.test(x.detail)));
  });

  it('no handshake at all → F with the failure as the reason', () => {
    const r = gradeFindings(
      findings({ failure: { reason: 'not_tls', detail: 'this port does not speak TLS', attempts: [] } }),
    );
    assert.equal(r.grade, 'F');
    assert.equal(r.reasons[0]?.detail, 'this port does not speak TLS');
  });
});

describe('grade order', () => {
  it('ranks A+ > A > A- > B … > F > M, T, and parses --fail-under values', () => {
    assert.ok(gradeRank('A+') > gradeRank('A'));
    assert.ok(gradeRank('A-') > gradeRank('B'));
    assert.ok(gradeRank('F') > gradeRank('T'));
    assert.ok(gradeRank('F') > gradeRank('M'));
    assert.equal(parseGrade('a-'), 'A-');
    assert.equal(parseGrade(' b '), 'B');
    assert.equal(parseGrade('G'), undefined);
  });
});
