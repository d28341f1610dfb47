// Expiry you cannot miss: every certificate in service, ACME or not, is judged by one rule — a
// warning with fewer than 14 days left, an error with fewer than 3 (or once expired) — at start-up
// and once a day. The rule is a pure function; the scheduler only calls it and logs.

import type { Logger } from '../observe/logger.ts';

export const EXPIRY_WARNING_DAYS = 14;
export const EXPIRY_ERROR_DAYS = 3;
const DAY_MS = 86_400_000;

/** Where a certificate comes from; decides what the hint tells the operator to do. */
export type CertificateSource = 'files' | 'acme' | 'local-ca';

export interface ExpiryInput {
  /** Where it is configured, e.g. `listeners[0].sites[1].certificates[0]` or `acme:example.com`. */
  readonly id: string;
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  readonly source?: CertificateSource;
}

export interface ExpiryFinding {
  readonly severity: 'warning' | 'error';
  readonly id: string;
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  /** Whole days left, rounded down; negative once expired. */
  readonly daysLeft: number;
  readonly message: string;
  readonly hint: string;
}

export interface ExpiryThresholds {
  readonly warningDays?: number;
  readonly errorDays?: number;
}

const plural = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;
const day = (d: Date): string => d.toISOString().slice(0, 10);

function hintFor(source: CertificateSource | undefined, expired: boolean): string {
  switch (source) {
    case 'acme':
      return 'tlsterm renews ACME certificates itself: look for certificate_renewal_failed events and run `tlsterm cert status`';
    case 'local-ca':
      return 'restart tlsterm: the local CA re-issues its certificate when fewer than 30 days are left';
    default:
      return expired
        ? 'renew it now (certbot renew, or your CA): tlsterm picks up the new files without a restart'
        : 'renew it (certbot renew, or your CA): tlsterm picks up the new files without a restart';
  }
}

/** The finding for one certificate at `now`, or undefined when it has time enough. */
export function expiryFinding(
  cert: ExpiryInput,
  now: Date,
  thresholds: ExpiryThresholds = {},
): ExpiryFinding | undefined {
  const warningMs = (thresholds.warningDays ?? EXPIRY_WARNING_DAYS) * DAY_MS;
  const errorMs = (thresholds.errorDays ?? EXPIRY_ERROR_DAYS) * DAY_MS;
  const leftMs = cert.notAfter.getTime() - now.getTime();
  if (leftMs >= warningMs) return undefined;
  const daysLeft = Math.floor(leftMs / DAY_MS);
  const expired = leftMs <= 0;
  const message = expired
    ? `certificate ${cert.subject} (serial ${cert.serialNumber}) expired on ${day(cert.notAfter)}`
    : `certificate ${cert.subject} (serial ${cert.serialNumber}) expires in ${daysLeft < 1 ? 'less than a day' : plural(daysLeft)}, on ${day(cert.notAfter)}`;
  return {
    severity: leftMs < errorMs ? 'error' : 'warning',
    id: cert.id,
    subject: cert.subject,
    serialNumber: cert.serialNumber,
    notAfter: cert.notAfter,
    daysLeft,
    message,
    hint: hintFor(cert.source, expired),
  };
}

/** Findings for every certificate that needs attention, errors first, soonest expiry first. */
export function expiryFindings(
  certs: readonly ExpiryInput[],
  now: Date,
  thresholds: ExpiryThresholds = {},
): ExpiryFinding[] {
  const out: ExpiryFinding[] = [];
  for (const c of certs) {
    const f = expiryFinding(c, now, thresholds);
    if (f) out.push(f);
  }
  return out.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.notAfter.getTime() - b.notAfter.getTime(),
  );
}

/** One line per finding, in the style of `tlsterm check`. */
export function formatExpiryFindings(findings: readonly ExpiryFinding[]): string {
  return findings.map((f) => `${f.id}  ${f.severity}: ${f.message}\n    hint: ${f.hint}\n`).join('');
}

export interface ExpiryCheckOptions {
  /** The certificates in service at the moment of each check (they change on reload and renewal). */
  readonly certificates: () => readonly ExpiryInput[];
  readonly log: Logger;
  /** Default one day. */
  readonly intervalMs?: number;
  readonly now?: () => Date;
  readonly thresholds?: ExpiryThresholds;
}

export interface ExpiryCheck {
  /** Check now (also done at start); returns what was logged. */
  readonly run: () => ExpiryFinding[];
  readonly stop: () => void;
}

/** Check at once, then every `intervalMs`; each finding is one `certificate_expiry` log event. */
export function startExpiryChecks(opts: ExpiryCheckOptions): ExpiryCheck {
  const now = opts.now ?? (() => new Date());
  const run = (): ExpiryFinding[] => {
    const findings = expiryFindings(opts.certificates(), now(), opts.thresholds);
    for (const f of findings) {
      opts.log({
        event: 'certificate_expiry',
        level: f.severity === 'error' ? 'error' : 'warning',
        id: f.id,
        subject: f.subject,
        serial: f.serialNumber,
        not_after: f.notAfter.toISOString(),
        days_left: f.daysLeft,
        message: f.message,
        hint: f.hint,
      });
    }
    return findings;
  };
  run();
  // Unref'd: a daily check must never be what keeps a process alive.
  const timer = setInterval(run, opts.intervalMs ?? DAY_MS);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
