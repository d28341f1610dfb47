// A plausible, clean report (TLS 1.2 + 1.3, AEAD suites, a trusted EC chain, HSTS), for the
// grading and rendering tests to change one thing at a time.
import type { Findings } from '../../../src/probe/grade.ts';
import type { ChainReport, ProbeReport, ServedCertificate } from '../../../src/probe/report.ts';
import { suiteFinding } from '../../../src/probe/suite-finding.ts';

export const YES = { state: 'yes' } as const;
export const NO = { state: 'no' } as const;
const SERVER_ORDER = { state: 'yes', chacha20_preferred: false } as const;

export function chain(over: Partial<ChainReport> = {}, key = 'EC P-256'): ChainReport {
  const [type, size] = key.startsWith('RSA') ? ['RSA', Number(key.slice(4))] : ['EC', 256];
  return {
    certificates: [
      {
        subject: 'CN=a.test',
        issuer: 'CN=Test CA',
        serial: '01',
        not_before: '2026-01-01T00:00:00.000Z',
        not_after: '2026-04-01T00:00:00.000Z',
        days_left: 60,
        expired: false,
        not_yet_valid: false,
        key,
        key_type: type as string,
        key_bits: size as number,
        signature_algorithm: 'ecdsa-with-SHA256',
        self_signed: false,
        ca: false,
        san: ['a.test'],
        sha256: 'ab',
      },
    ],
    order: 'as-sent',
    order_ok: true,
    complete: true,
    missing: [],
    extra: [],
    trusted: true,
    trust_error: null,
    trust_store: 'system',
    name: 'a.test',
    name_match: true,
    problems: [],
    ...over,
  };
}

export function served(c: ChainReport = chain()): ServedCertificate {
  return {
    sni: 'a.test',
    served_for_name: true,
    offered: 'any',
    key: c.certificates[0]?.key ?? '',
    chain: c,
    ocsp: null,
  };
}

export function findings(over: Partial<Findings> = {}): Findings {
  const c = over.chain ?? chain();
  return {
    target: 'a.test:443',
    address: '192.0.2.1',
    sni: 'a.test',
    started_at: '2026-01-01T00:00:00.000Z',
    elapsed_ms: 100,
    connections: 150,
    versions: { SSLv3: false, 'TLS1.0': false, 'TLS1.1': false, 'TLS1.2': true, 'TLS1.3': true },
    versions_not_tested: {},
    server_order: SERVER_ORDER,
    server_order_by_version: { 'TLS1.2': SERVER_ORDER, 'TLS1.3': SERVER_ORDER },
    suites: {
      'TLS1.3': [0x1302, 0x1301].map(suiteFinding),
      'TLS1.2': [0xc02c, 0xc02b].map(suiteFinding),
    },
    groups: [
      { name: 'X25519MLKEM768', id: 0x11ec, tls13: true, tls12: false, hrr: false, post_quantum: true },
      { name: 'X25519', id: 29, tls13: true, tls12: true, hrr: false, post_quantum: false },
    ],
    typical_client: { key_shares: ['X25519MLKEM768', 'X25519'], group: 'X25519MLKEM768', hrr: false },
    dh_bits: null,
    signature_algorithms: { 'TLS1.3': ['ecdsa_secp256r1_sha256'] },
    alpn: ['h2', 'http/1.1'],
    alpn_not_tested: null,
    alpn_preferred: 'h2',
    chain: c,
    certificates: [served(c)],
    ocsp_stapling: null,
    resumption: {},
    hsts: {
      state: 'yes',
      status: 200,
      max_age: 31536000,
      include_subdomains: true,
      preload: false,
      header: 'max-age=31536000; includeSubDomains',
      detail: null,
    },
    fallback_scsv: YES,
    secure_renegotiation: YES,
    client_renegotiation: NO,
    compression: NO,
    heartbeat: NO,
    extended_master_secret: YES,
    failure: null,
    notes: [],
    ...over,
  };
}

export const report = (over: Partial<Findings> = {}, grade: Partial<ProbeReport> = {}): ProbeReport => ({
  ...findings(over),
  grade: 'A+',
  grade_ignoring_trust: null,
  score: 93,
  reasons: [],
  ungraded_problems: [],
  ...grade,
});
