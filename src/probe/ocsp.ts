// A stapled OCSP response, read far enough to say whether it is usable: the responder's status,
// the certificate's status, and the validity window (RFC 6960 §4.2.1), through the codec serve
// staples with (certs/ocsp). The signature is not checked; a client checks it, and a probe
// reporting "good" means "the server staples a response that says good".
import { readOcspResponse as readResponse } from '../certs/ocsp/response.ts';
import type { OcspFinding } from './report.ts';

export function readOcspResponse(der: Uint8Array | undefined): OcspFinding {
  const none: OcspFinding = {
    stapled: false,
    response_status: null,
    cert_status: null,
    this_update: null,
    next_update: null,
  };
  if (!der || der.length === 0) return none;
  const response = readResponse(der);
  const first = response.basic?.responses[0];
  return {
    stapled: true,
    response_status: response.responseStatus,
    cert_status: first?.status ?? null,
    this_update: first?.thisUpdate ?? null,
    next_update: first?.nextUpdate ?? null,
  };
}
