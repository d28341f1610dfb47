// The grade: SSL Labs' rating guide, adapted (docs/probe.md has the rubric). A score from
// protocol support (30%), key exchange strength (30%) and cipher strength (40%) gives a letter;
// findings then cap it (TLS 1.0 → B, RC4 → C, export suites → F, …); an untrusted chain makes it
// T and a name mismatch M; HSTS for at least 180 days turns a clean A into A+. Every point or
// letter lost comes with a reason. Pure.
import { groupById } from '../tls/index.ts';
import { isNo, isYes } from './finding.ts';
import type { Findings, Grade, GradeReason, SuiteFinding, UngradedProblem, VersionName } from './report.ts';
import { ungradedProblems } from './ungraded.ts';

export type { Findings } from './report.ts';

export interface GradeResult {
  readonly grade: Grade;
  readonly grade_ignoring_trust: Grade | null;
  readonly score: number;
  readonly reasons: GradeReason[];
  readonly ungraded_problems: UngradedProblem[];
}

/** Worst to best; T and M (trust) rank below F for --fail-under. */
export const GRADE_ORDER: readonly Grade[] = ['T', 'M', 'F', 'E', 'D', 'C', 'B', 'A-', 'A', 'A+'];
export const gradeRank = (g: Grade): number => GRADE_ORDER.indexOf(g);

export function parseGrade(text: string): Grade | undefined {
  const g = text.trim().toUpperCase();
  return (GRADE_ORDER as readonly string[]).includes(g) ? (g as Grade) : undefined;
}

const PROTOCOL_SCORE: Readonly<Record<VersionName, number>> = {
  SSLv3: 80,
  'TLS1.0': 90,
  'TLS1.1': 95,
  'TLS1.2': 100,
  'TLS1.3': 100,
};

/** SSL Labs' key-exchange table, on RSA-equivalent bits. */
function keyScore(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 512) return 20;
  if (bits < 1024) return 40;
  if (bits < 2048) return 80;
  if (bits < 4096) return 90;
  return 100;
}

function cipherScore(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

/** RSA-equivalent strength of an EC key or curve (NIST SP 800-57 comparable strengths). */
function ecEquivalent(bits: number): number {
  if (bits >= 512) return 15360;
  if (bits >= 384) return 7680;
  if (bits >= 256) return 3072;
  if (bits >= 224) return 2048;
  if (bits >= 192) return 1536;
  return 1024;
}

function curveBits(name: string, id: number): number {
  if (groupById(id)?.postQuantum) return 256;
  if (id === 29) return 256;
  if (id === 30) return 448;
  const digits = /(\d{3})/.exec(name)?.[1];
  return digits === undefined ? 256 : Number(digits);
}

const MINIMUM_A_PLUS_HSTS = 15_552_000; // 180 days

export function gradeFindings(f: Findings): GradeResult {
  const reasons: GradeReason[] = [];
  if (f.failure) {
    reasons.push({ rule: 'no_handshake', effect: 'grade F', detail: f.failure.detail });
    return { grade: 'F', grade_ignoring_trust: null, score: 0, reasons, ungraded_problems: [] };
  }
  const accepted = (Object.keys(f.versions) as VersionName[]).filter((v) => f.versions[v]);
  const allSuites: SuiteFinding[] = Object.values(f.suites).flatMap((list) => list ?? []);

  // --- score
  const pScores = accepted.map((v) => PROTOCOL_SCORE[v]);
  const protocol = pScores.length ? (Math.max(...pScores) + Math.min(...pScores)) / 2 : 0;
  if (protocol < 100) {
    const worst = accepted.find((v) => PROTOCOL_SCORE[v] === Math.min(...pScores));
    reasons.push({
      rule: 'protocol_score',
      effect: `-${fmt((100 - protocol) * 0.3)} points`,
      detail: `protocol support scores ${protocol}/100: ${worst} (${PROTOCOL_SCORE[worst!]}) is accepted`,
    });
  }

  const kx: { bits: number; why: string }[] = [];
  // Only what the asked name is served counts: a default certificate other names get is listed,
  // not graded.
  const served = f.certificates.filter((c) => c.served_for_name);
  const leaves = served.map((c) => c.chain.certificates[0]).filter((c) => c !== undefined);
  for (const leaf of leaves) {
    const bits =
      leaf.key_type === 'EC' || leaf.key_type === 'EdDSA' ? ecEquivalent(leaf.key_bits) : leaf.key_bits;
    kx.push({ bits, why: `certificate key ${leaf.key}` });
  }
  if (f.dh_bits !== null) kx.push({ bits: f.dh_bits, why: `DHE prime of ${f.dh_bits} bits` });
  for (const g of f.groups)
    if (g.tls12) kx.push({ bits: ecEquivalent(curveBits(g.name, g.id)), why: `ECDHE curve ${g.name}` });
  const anon = allSuites.filter((s) => /_anon_|NULL_WITH/.test(s.iana));
  if (anon.length) kx.push({ bits: 0, why: `anonymous key exchange (${anon[0]!.iana})` });
  const exportKx = allSuites.filter((s) => /EXPORT/.test(s.iana));
  if (exportKx.length) kx.push({ bits: 512, why: `export key exchange (${exportKx[0]!.iana})` });
  const weakestKx = kx.reduce((a, b) => (b.bits < a.bits ? b : a), {
    bits: Number.POSITIVE_INFINITY,
    why: '',
  });
  const keyExchange = kx.length ? keyScore(weakestKx.bits) : 0;
  if (keyExchange < 100 && kx.length) {
    reasons.push({
      rule: 'key_exchange_score',
      effect: `-${fmt((100 - keyExchange) * 0.3)} points`,
      detail: `key exchange scores ${keyExchange}/100: the weakest is ${weakestKx.why} (≈${weakestKx.bits}-bit RSA strength; 100 needs 4096)`,
    });
  }

  const cScores = allSuites.map((s) => cipherScore(s.bits));
  const cipher = cScores.length ? (Math.max(...cScores) + Math.min(...cScores)) / 2 : 0;
  if (cipher < 100 && cScores.length) {
    const weakest = allSuites.reduce((a, b) => (b.bits < a.bits ? b : a));
    const strongest = allSuites.reduce((a, b) => (b.bits > a.bits ? b : a));
    reasons.push({
      rule: 'cipher_score',
      effect: `-${fmt((100 - cipher) * 0.4)} points`,
      detail: `cipher strength scores ${cipher}/100: strongest ${strongest.bits}-bit (${strongest.iana}), weakest ${weakest.bits}-bit (${weakest.iana}); 100 needs 256-bit only`,
    });
  }
  const score = Math.round(protocol * 0.3 + keyExchange * 0.3 + cipher * 0.4);
  let grade: Grade =
    score >= 80 ? 'A' : score >= 65 ? 'B' : score >= 50 ? 'C' : score >= 35 ? 'D' : score >= 20 ? 'E' : 'F';

  // --- caps
  const cap = (to: Grade, rule: string, detail: string): void => {
    reasons.push({ rule, effect: `cap ${to}`, detail });
    if (gradeRank(to) < gradeRank(grade)) grade = to;
  };
  const has = (re: RegExp): SuiteFinding | undefined => allSuites.find((s) => re.test(s.iana));
  const exp = has(/EXPORT/);
  if (exp) cap('F', 'export', `export-grade suite accepted: ${exp.iana} (FREAK/Logjam)`);
  const nul = allSuites.find((s) => s.bits === 0);
  if (nul) cap('F', 'null_cipher', `unencrypted suite accepted: ${nul.iana}`);
  if (anon.length)
    cap('F', 'anonymous', `anonymous suite accepted: ${anon[0]!.iana} (no server authentication)`);
  if (f.dh_bits !== null && f.dh_bits < 1024) cap('F', 'weak_dh', `DHE prime of ${f.dh_bits} bits (Logjam)`);
  if (isYes(f.client_renegotiation) && isNo(f.secure_renegotiation))
    cap('F', 'insecure_renegotiation', 'client-initiated renegotiation without RFC 5746 (CVE-2009-3555)');
  for (const leaf of leaves) {
    if (leaf.key_type === 'RSA' && leaf.key_bits < 1024) cap('F', 'weak_key', `certificate key ${leaf.key}`);
    else if (leaf.key_type === 'RSA' && leaf.key_bits < 2048)
      cap('B', 'weak_key', `certificate key ${leaf.key} (2048 minimum)`);
  }
  if (f.versions.SSLv3) cap('C', 'ssl3', 'SSL 3.0 accepted (POODLE)');
  if (!f.versions['TLS1.2'] && !f.versions['TLS1.3'])
    cap('C', 'no_tls12', 'neither TLS 1.2 nor TLS 1.3 is accepted');
  const rc4 = has(/RC4/);
  if (rc4) cap('C', 'rc4', `RC4 suite accepted: ${rc4.iana}`);
  const des = allSuites.find((s) => /_(3DES|DES)_|DES40/.test(s.iana) && s.bits > 40);
  if (des) cap('C', '64bit_block', `64-bit block cipher accepted: ${des.iana} (Sweet32)`);
  if (isYes(f.compression)) cap('C', 'compression', 'TLS compression is enabled (CRIME)');
  if (isNo(f.secure_renegotiation)) cap('C', 'no_secure_renegotiation', 'no RFC 5746 secure renegotiation');
  if (f.versions['TLS1.0']) cap('B', 'tls10', 'TLS 1.0 accepted');
  if (f.versions['TLS1.1']) cap('B', 'tls11', 'TLS 1.1 accepted');
  if (f.dh_bits !== null && f.dh_bits >= 1024 && f.dh_bits < 2048)
    cap('B', 'weak_dh', `DHE prime of ${f.dh_bits} bits (2048 minimum)`);
  if (allSuites.length && !allSuites.some((s) => s.pfs)) cap('B', 'no_pfs', 'no suite with forward secrecy');
  if (allSuites.length && !allSuites.some((s) => s.aead))
    cap('B', 'no_aead', 'no AEAD suite (GCM, ChaCha20-Poly1305, CCM)');
  const incomplete = served.find((c) => c.chain.trusted && !c.chain.complete);
  if (incomplete)
    cap(
      'B',
      'incomplete_chain',
      `the server does not send the intermediate ${incomplete.chain.missing.join(', ')}`,
    );
  if (isNo(f.fallback_scsv))
    cap('A-', 'no_fallback_scsv', 'TLS_FALLBACK_SCSV is not honoured (downgrade protection)');

  // --- A+
  if (grade === 'A') {
    const age = f.hsts.state === 'not_tested' ? null : f.hsts.max_age;
    if (age !== null && age >= MINIMUM_A_PLUS_HSTS) grade = 'A+';
    else
      reasons.push({
        rule: 'a_plus',
        effect: 'not A+',
        detail:
          f.hsts.state === 'not_tested'
            ? `A+ needs HSTS, which was not tested (${f.hsts.why})`
            : age === null
              ? 'A+ needs HSTS (Strict-Transport-Security with max-age of 180 days or more)'
              : `A+ needs HSTS max-age of at least ${MINIMUM_A_PLUS_HSTS} s; it is ${age}`,
      });
  }

  // --- trust
  const chain = f.chain;
  let final: Grade = grade;
  if (chain && !chain.trusted) {
    final = 'T';
    reasons.push({
      rule: 'untrusted',
      effect: 'grade T',
      detail: chain.trust_error ?? 'the chain is not trusted',
    });
  } else if (chain && chain.name_match === false) {
    final = 'M';
    reasons.push({
      rule: 'name_mismatch',
      effect: 'grade M',
      detail: `the certificate does not cover ${chain.name}`,
    });
  } else if (!chain) {
    final = 'T';
    reasons.push({ rule: 'no_certificate', effect: 'grade T', detail: 'no certificate could be read' });
  }
  return {
    grade: final,
    grade_ignoring_trust: final === grade ? null : grade,
    score,
    reasons,
    ungraded_problems: ungradedProblems(f),
  };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
