// The shape of a probe report: what `tlsterm probe --json` prints and `probe()` returns. Property
// names are the JSON names (snake_case, as the issue fixed them); docs/probe.md explains each.

import type { SuiteStrength } from '../tls/index.ts';
import { VERSIONS, type VersionName } from '../wire/versions.ts';
import type { Finding } from './finding.ts';

export type { VersionName } from '../wire/versions.ts';
export type { Finding } from './finding.ts';

/** The versions a report covers, oldest first (the order of the table and of the JSON keys). */
export const VERSION_NAMES: readonly VersionName[] = VERSIONS.map((v) => v.name);
export const VERSION_IDS = Object.fromEntries(VERSIONS.map((v) => [v.name, v.id])) as Readonly<
  Record<VersionName, number>
>;

export interface SuiteFinding {
  /** "0xC02B" */
  readonly id: string;
  readonly iana: string;
  readonly openssl: string | null;
  /** strong = AEAD; cbc = sound but MAC-then-encrypt; weak = RC4, 3DES, DES, export, NULL, anon, MD5. */
  readonly strength: SuiteStrength;
  /** "AEAD/PFS", "AEAD", "CBC/PFS", "CBC" or "weak": the table's strength column. */
  readonly label: string;
  readonly pfs: boolean;
  readonly aead: boolean;
  /** Symmetric key bits (3DES counts 112). */
  readonly bits: number;
}

export interface GroupFinding {
  /** OpenSSL's name where it has one (X25519MLKEM768, X25519, P-256), else IANA's. */
  readonly name: string;
  readonly id: number;
  readonly tls13: boolean;
  readonly tls12: boolean;
  /**
   * TLS 1.3: a client listing this group and X25519 but sending a key share for X25519 only is
   * asked to retry (HelloRetryRequest) for this group. null when the group is TLS 1.2-only.
   */
  readonly hrr: boolean | null;
  readonly post_quantum: boolean;
}

export interface TypicalClient {
  /** Key shares sent (supported_groups lists them first, then P-256, P-384, P-521). */
  readonly key_shares: readonly string[];
  /** What the server picked, or null when it refused. */
  readonly group: string | null;
  readonly hrr: boolean;
}

export interface CertificateFinding {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly not_before: string;
  readonly not_after: string;
  readonly days_left: number;
  readonly expired: boolean;
  readonly not_yet_valid: boolean;
  /** "EC P-256", "RSA 2048", "Ed25519". */
  readonly key: string;
  readonly key_type: string;
  readonly key_bits: number;
  readonly signature_algorithm: string;
  readonly self_signed: boolean;
  readonly ca: boolean;
  /** DNS and IP names (leaf only; empty for CA certificates). */
  readonly san: readonly string[];
  readonly sha256: string;
}

export interface ChainReport {
  /** The certificates in the order the server sent them (see `order`). */
  readonly certificates: readonly CertificateFinding[];
  /**
   * 'as-sent' (read from the plaintext TLS 1.2 Certificate message) or 'path' (TLS 1.3 only: the
   * certificates arrive encrypted and Node hands them back re-ordered leaf → root, so a wrong
   * order on the wire cannot be seen).
   */
  readonly order: 'as-sent' | 'path';
  /** Each certificate is followed by its issuer (as-sent order only; true for 'path'). */
  readonly order_ok: boolean;
  /** The server sends every intermediate needed to reach a trust anchor. */
  readonly complete: boolean;
  /** Issuer names of certificates the server should have sent but did not. */
  readonly missing: readonly string[];
  /** Certificates sent that are not on the path to the leaf (or a root, which is harmless). */
  readonly extra: readonly string[];
  readonly trusted: boolean;
  /** Why the chain is not trusted, in words. */
  readonly trust_error: string | null;
  /** 'system' (Node's bundled Mozilla store plus the OS store) or the --ca file. */
  readonly trust_store: string;
  /** The name checked against the leaf (SNI, else the target host). */
  readonly name: string | null;
  readonly name_match: boolean | null;
  readonly problems: readonly string[];
}

export interface ServedCertificate {
  /** How this chain was obtained: the SNI sent (null: none) and the client capability offered. */
  readonly sni: string | null;
  /**
   * Sent for the name asked (the SNI probed, or no SNI when none was asked): only these count in
   * the grade. Others (e.g. a no-SNI default certificate) are listed, marked not served.
   */
  readonly served_for_name: boolean;
  readonly offered: 'any' | 'ECDSA' | 'RSA';
  readonly key: string;
  readonly chain: ChainReport;
  readonly ocsp: OcspFinding | null;
}

export interface OcspFinding {
  readonly stapled: boolean;
  /** OCSPResponseStatus: successful, tryLater, … */
  readonly response_status: string | null;
  /** good, revoked, unknown (first SingleResponse). */
  readonly cert_status: string | null;
  readonly this_update: string | null;
  readonly next_update: string | null;
}

export interface ResumptionFinding {
  /** Resumed by session ID (stateful cache) — TLS 1.2 only. */
  readonly session_id: Finding;
  /** Resumed with a session ticket (TLS 1.2 RFC 5077) or PSK ticket (TLS 1.3). */
  readonly ticket: Finding;
  /** Seconds, from the ticket's lifetime (hint); null when no ticket was issued. */
  readonly ticket_lifetime_hint: number | null;
  /** TLS 1.3: NewSessionTicket messages received on one connection. */
  readonly tickets_issued: number | null;
  readonly detail: string | null;
}

/** What `GET /` answered: yes = a Strict-Transport-Security header with a valid max-age. */
export type HstsFinding = Finding<HstsAnswer>;

export interface HstsAnswer {
  /** The HTTP status of `GET /`. */
  readonly status: number;
  readonly max_age: number | null;
  readonly include_subdomains: boolean;
  readonly preload: boolean;
  readonly header: string | null;
  readonly detail: string | null;
}

/**
 * yes: the server enforces its own suite order (`chacha20_preferred`: except that a client
 * leading with ChaCha20 gets it); no: it follows the client's order.
 */
export type SuiteOrderFinding = Finding<{ readonly chacha20_preferred: boolean }>;

/** A problem found that does not change the grade (chain order, renegotiation, …): listed once. */
export interface UngradedProblem {
  /** Short id: "chain_order", "client_renegotiation", "expiring", … */
  readonly check: string;
  readonly detail: string;
}

export interface GradeReason {
  /** Short rule id from docs/probe.md, e.g. "tls10", "no_aead", "protocol_score". */
  readonly rule: string;
  /** "cap B", "-4.5 points", "grade T", "A+ needs …". */
  readonly effect: string;
  readonly detail: string;
}

export interface Attempt {
  /** What was offered: "TLS1.2 with SNI a.test (247 suites)". */
  readonly offer: string;
  /** What came back: "alert protocol_version", "ServerHello TLS1.2 …", "closed", "timeout". */
  readonly outcome: string;
}

export type FailureReason =
  | 'no_common_version'
  | 'no_common_cipher'
  | 'unknown_sni'
  | 'alert'
  | 'not_tls'
  | 'closed'
  | 'timeout';

export interface FailureReport {
  readonly reason: FailureReason;
  /** Who refused what, in one sentence. */
  readonly detail: string;
  readonly attempts: readonly Attempt[];
}

export type Grade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F' | 'M' | 'T';

export interface ProbeReport {
  readonly target: string;
  readonly address: string;
  readonly sni: string | null;
  readonly started_at: string;
  readonly elapsed_ms: number;
  /** TCP connections opened. */
  readonly connections: number;
  readonly versions: Readonly<Record<VersionName, boolean>>;
  /**
   * Versions that are false above only because they could not be tested (no answer in time, no
   * connection, an answer the prober cannot read), with why. Not counted in the grade.
   */
  readonly versions_not_tested: Readonly<Partial<Record<VersionName, string>>>;
  /** The server enforces its own suite order (for the highest version where this was tested). */
  readonly server_order: SuiteOrderFinding;
  readonly server_order_by_version: Readonly<Partial<Record<VersionName, SuiteOrderFinding>>>;
  readonly suites: Readonly<Partial<Record<VersionName, readonly SuiteFinding[]>>>;
  readonly groups: readonly GroupFinding[];
  readonly typical_client: TypicalClient | null;
  /** Smallest DHE prime seen in TLS 1.2 and below, in bits. */
  readonly dh_bits: number | null;
  readonly signature_algorithms: Readonly<Partial<Record<VersionName, readonly string[]>>>;
  /** Protocols accepted (each offered alone); empty with `alpn_not_tested` set means not tested. */
  readonly alpn: readonly string[];
  /** Why ALPN could not be tested (no answer to any offer); null when it was. */
  readonly alpn_not_tested: string | null;
  /** What the server picks when offered every ALPN protocol at once (client order h2 first). */
  readonly alpn_preferred: string | null;
  /** The chain a client offering everything gets for the asked name. */
  readonly chain: ChainReport | null;
  /** Every distinct chain seen (by SNI / RSA vs ECDSA). */
  readonly certificates: readonly ServedCertificate[];
  readonly ocsp_stapling: OcspFinding | null;
  readonly resumption: Readonly<Partial<Record<VersionName, ResumptionFinding>>>;
  readonly hsts: HstsFinding;
  /** TLS_FALLBACK_SCSV honoured (inappropriate_fallback); not tested with one version only. */
  readonly fallback_scsv: Finding;
  /** RFC 5746 renegotiation_info in the ServerHello (TLS 1.2 and below). */
  readonly secure_renegotiation: Finding;
  /** The server accepts a client-initiated renegotiation (TLS 1.2 and below). */
  readonly client_renegotiation: Finding;
  /** TLS compression (CRIME) negotiated when offered. */
  readonly compression: Finding;
  /** The heartbeat extension is echoed (presence only; no heartbeat is ever sent). */
  readonly heartbeat: Finding;
  readonly extended_master_secret: Finding;
  readonly grade: Grade;
  /** For T and M: the grade the server would get were the certificate trusted / matching. */
  readonly grade_ignoring_trust: Grade | null;
  readonly score: number;
  readonly reasons: readonly GradeReason[];
  /** Problems that do not change the grade, each once ("Also" under the grade in the text). */
  readonly ungraded_problems: readonly UngradedProblem[];
  readonly failure: FailureReport | null;
  /** Things the prober could not determine, and why. */
  readonly notes: readonly string[];
}

/** What the scan found, before grading: the report less the grade and what follows from it. */
export type Findings = Omit<
  ProbeReport,
  'grade' | 'grade_ignoring_trust' | 'score' | 'reasons' | 'ungraded_problems'
>;
