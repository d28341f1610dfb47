// CertificateStatus handshake message (RFC 6066 §8, RFC 6961 §2.2): the OCSP response a TLS 1.2
// server staples after its Certificate when the client sent status_request. (TLS 1.3 carries the
// response inside the Certificate entry's extensions instead.) Zero-copy: views into the input.

import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

/** status_type values: ocsp (RFC 6066) and ocsp_multi (RFC 6961, a list, one per certificate). */
export const CertificateStatusType = { ocsp: 1, ocspMulti: 2 } as const;

export interface CertificateStatus {
  readonly statusType: number;
  /** DER OCSPResponse values: one for `ocsp`, one per certificate (possibly empty) for `ocsp_multi`. */
  readonly responses: readonly Uint8Array[];
}

export function parseCertificateStatus(body: Uint8Array): ParseResult<CertificateStatus> {
  const r = new Reader(body);
  const statusType = r.u8();
  if (r.failed) return fail('CertificateStatus is empty');
  if (statusType === CertificateStatusType.ocsp) {
    const response = r.vec24();
    if (r.failed) return fail('CertificateStatus truncated');
    if (!r.atEnd) return fail(`CertificateStatus has ${r.remaining} trailing bytes`);
    if (response.length === 0) return fail('CertificateStatus carries an empty OCSP response');
    return ok({ statusType, responses: [response] });
  }
  if (statusType === CertificateStatusType.ocspMulti) {
    const list = r.sub24();
    if (r.failed) return fail('CertificateStatus truncated');
    if (!r.atEnd) return fail(`CertificateStatus has ${r.remaining} trailing bytes`);
    const responses: Uint8Array[] = [];
    while (!list.atEnd) responses.push(list.vec24());
    if (list.failed) return fail('CertificateStatus response list truncated');
    return ok({ statusType, responses });
  }
  return fail(`CertificateStatus has unknown status_type ${statusType}`);
}

/** A CertificateStatus body of type ocsp, for tests and fake servers. */
export function encodeCertificateStatus(response: Uint8Array): Uint8Array {
  return new Writer(response.length + 4)
    .u8(CertificateStatusType.ocsp)
    .block(3, (w) => w.bytes(response))
    .finish();
}

/** The client's status_request extension body asking for OCSP with no responder ids or extensions. */
export const STATUS_REQUEST_OCSP: Uint8Array = Uint8Array.of(CertificateStatusType.ocsp, 0, 0, 0, 0);
