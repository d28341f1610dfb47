// `tlsterm cert status` against the running instance: the rows read from the files, with the facts
// of the pair IN SERVICE put over them (GET /api/v1/certificates). After a bad pair was copied over
// a watched one, the files hold the refused certificate while the server keeps the old one: the row
// then shows the serial served, and the refusal as a warning.

import { expiryFinding } from './expiry.ts';
import type { CertificateStatus } from './status.ts';

const DAY_MS = 86_400_000;

/** One pair as the admin API lists it (JSON; only the fields used here). */
export interface InServicePair {
  readonly site: string;
  readonly id: string;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly string[];
  readonly not_after: string;
  readonly cert_file: string;
  readonly key_file: string;
  readonly acme_lineage: string | null;
  readonly last_reload: {
    readonly result: string;
    readonly at: string;
    readonly reason: string | null;
  } | null;
}

export function overlayInService(
  rows: readonly CertificateStatus[],
  pairs: readonly InServicePair[],
  now: Date,
): CertificateStatus[] {
  return rows.map((row) => {
    const pair = pairs.find(
      (p) => p.id === row.id || (p.acme_lineage !== null && row.id === `${p.site}.acme`),
    );
    if (pair === undefined) return row;
    const notAfter = new Date(pair.not_after);
    const input = {
      id: row.id,
      subject: pair.subject,
      serialNumber: pair.serial,
      notAfter,
      source: row.source,
    };
    const expiry = expiryFinding(input, now);
    const refused = pair.last_reload?.result === 'refused' ? pair.last_reload : undefined;
    const { expiry: _old, ...rest } = row;
    return {
      ...rest,
      subject: pair.subject,
      issuer: pair.issuer,
      sans: pair.sans,
      serialNumber: pair.serial,
      notAfter,
      daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
      ...(expiry !== undefined ? { expiry } : {}),
      // What the files say concerns the files; the pair in service was checked when it was loaded.
      problems:
        refused === undefined
          ? []
          : [
              {
                severity: 'warning',
                path: row.id,
                message: `the files changed at ${refused.at} and were refused (${refused.reason ?? 'no reason given'}); serial ${pair.serial} keeps serving`,
                hint: `fix ${pair.cert_file} / ${pair.key_file} (\`tlsterm check -c FILE\` says what is wrong); it is picked up without a reload`,
              },
            ],
    };
  });
}
