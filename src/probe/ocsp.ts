// A stapled OCSP response, read far enough to say whether it is usable: the responder's status,
// the certificate's status, and the validity window (RFC 6960 §4.2.1). The signature is not
// checked; a client checks it, and a probe reporting "good" means "the server staples a response
// that says good".
import { children, derTime, readTlv, unsigned } from './der.ts';
import type { OcspFinding } from './report.ts';

const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '(4)',
  'sigRequired',
  'unauthorized',
];
const CERT_STATUS: Record<number, string> = {
  128: 'good',
  161: 'revoked',
  130: 'unknown',
  160: 'good',
  129: 'revoked',
  162: 'unknown',
};

export function readOcspResponse(der: Uint8Array | undefined): OcspFinding {
  const none: OcspFinding = {
    stapled: false,
    response_status: null,
    cert_status: null,
    this_update: null,
    next_update: null,
  };
  if (!der || der.length === 0) return none;
  const stapled = { ...none, stapled: true };
  const top = readTlv(der);
  const parts = top?.tag === 0x30 ? children(top.value) : undefined;
  const statusCode = parts?.[0]?.tag === 0x0a ? (unsigned(parts[0].value) ?? 0) : undefined;
  if (statusCode === undefined) return { ...stapled, response_status: 'unparsable' };
  const response_status = RESPONSE_STATUS[statusCode] ?? `(${statusCode})`;
  // responseBytes [0] EXPLICIT SEQUENCE { responseType OID, response OCTET STRING }
  const bytes = parts?.[1]?.tag === 0xa0 ? readTlv(parts[1].value) : undefined;
  const inner = bytes?.tag === 0x30 ? children(bytes.value) : undefined;
  const basicOctets = inner?.[1]?.tag === 0x04 ? inner[1].value : undefined;
  const basic = basicOctets ? readTlv(basicOctets) : undefined;
  const tbs = basic?.tag === 0x30 ? children(basic.value)?.[0] : undefined;
  const data = tbs?.tag === 0x30 ? children(tbs.value) : undefined;
  // ResponseData: [version], responderID, producedAt, responses SEQUENCE OF SingleResponse, …
  const responses = data?.find((c, i) => c.tag === 0x30 && i >= 2);
  const first = responses ? children(responses.value)?.[0] : undefined;
  const single = first?.tag === 0x30 ? children(first.value) : undefined;
  if (!single || single.length < 3) return { ...stapled, response_status };
  const thisUpdate = single[2]!;
  const nextUpdate = single[3]?.tag === 0xa0 ? readTlv(single[3].value) : undefined;
  return {
    stapled: true,
    response_status,
    cert_status: CERT_STATUS[single[1]!.tag] ?? null,
    this_update: derTime(thisUpdate.tag, thisUpdate.value) ?? null,
    next_update: nextUpdate ? (derTime(nextUpdate.tag, nextUpdate.value) ?? null) : null,
  };
}
