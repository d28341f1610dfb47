// An OCSP response (RFC 6960 §4.2.1) read into what a verifier and a report need: the responder's
// status, the signed bytes, signature and certificates, and each SingleResponse. Pure and total:
// bad input yields a response_status of 'unparsable', never an exception.

import { children, derTime, oidText, readTlv, type Tlv, tlvBytes, unsigned } from '../../wire/index.ts';

export type CertStatus = 'good' | 'revoked' | 'unknown';

export interface SingleResponse {
  /** The CertID's hash algorithm (dotted OID) and hashes, and the serial's INTEGER contents. */
  readonly hashOid: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serial: Uint8Array;
  readonly status: CertStatus;
  readonly revocationTime?: string;
  /** ISO timestamps. */
  readonly thisUpdate: string;
  readonly nextUpdate?: string;
}

export interface BasicResponse {
  /** tbsResponseData, tag and length included: what the signature covers. */
  readonly tbs: Uint8Array;
  readonly producedAt: string;
  readonly responses: readonly SingleResponse[];
  /** The nonce extension's value, when the responder echoed one. */
  readonly nonce?: Uint8Array;
  readonly signatureOid: string;
  readonly signature: Uint8Array;
  /** Certificates the responder sent along (DER), e.g. a delegated responder's. */
  readonly certs: readonly Uint8Array[];
}

export interface OcspResponse {
  /** successful, malformedRequest, internalError, tryLater, sigRequired, unauthorized, or 'unparsable'. */
  readonly responseStatus: string;
  readonly basic?: BasicResponse;
}

const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '(4)',
  'sigRequired',
  'unauthorized',
];
const CERT_STATUS: Record<number, CertStatus> = {
  128: 'good',
  160: 'good',
  161: 'revoked',
  129: 'revoked',
  130: 'unknown',
  162: 'unknown',
};
export const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

const seqOf = (t: Tlv | undefined): Tlv[] | undefined => (t?.tag === 0x30 ? children(t.value) : undefined);
const time = (t: Tlv | undefined): string | undefined => (t ? derTime(t.tag, t.value) : undefined);

function readSingle(t: Tlv): SingleResponse | undefined {
  const parts = seqOf(t);
  const certId = seqOf(parts?.[0]);
  const alg = seqOf(certId?.[0]);
  const status = parts?.[1];
  if (!parts || !certId || certId.length !== 4 || !alg?.[0] || alg[0].tag !== 0x06 || !status)
    return undefined;
  const hashOid = oidText(alg[0].value);
  const thisUpdate = time(parts[2]);
  const cs = CERT_STATUS[status.tag];
  if (hashOid === undefined || thisUpdate === undefined || cs === undefined) return undefined;
  const [, nameHash, keyHash, serial] = certId;
  if (nameHash?.tag !== 0x04 || keyHash?.tag !== 0x04 || serial?.tag !== 0x02) return undefined;
  const next = parts[3]?.tag === 0xa0 ? time(readTlv(parts[3].value)) : undefined;
  const revocationTime = cs === 'revoked' ? time(children(status.value)?.[0]) : undefined;
  return {
    hashOid,
    issuerNameHash: nameHash.value,
    issuerKeyHash: keyHash.value,
    serial: serial.value,
    status: cs,
    thisUpdate,
    ...(next !== undefined ? { nextUpdate: next } : {}),
    ...(revocationTime !== undefined ? { revocationTime } : {}),
  };
}

function nonceOf(extensions: Tlv | undefined): Uint8Array | undefined {
  const list = extensions?.tag === 0xa1 ? seqOf(readTlv(extensions.value)) : undefined;
  for (const ext of list ?? []) {
    const [id, ...rest] = seqOf(ext) ?? [];
    const value = rest.at(-1);
    if (id?.tag !== 0x06 || oidText(id.value) !== OID_OCSP_NONCE || value?.tag !== 0x04) continue;
    // The value is an OCTET STRING inside the extension's OCTET STRING (RFC 8954); some old
    // responders put the raw bytes there.
    const inner = readTlv(value.value);
    return inner?.tag === 0x04 && inner.end === value.value.length ? inner.value : value.value;
  }
  return undefined;
}

function readBasic(der: Uint8Array): BasicResponse | undefined {
  const basic = seqOf(readTlv(der));
  const tbsTlv = basic?.[0];
  const data = seqOf(tbsTlv);
  const sigAlg = seqOf(basic?.[1]);
  const sig = basic?.[2];
  if (!basic || !tbsTlv || !data || !sigAlg?.[0] || sigAlg[0].tag !== 0x06 || sig?.tag !== 0x03)
    return undefined;
  const signatureOid = oidText(sigAlg[0].value);
  // ResponseData: [0] version (optional), responderID ([1] | [2]), producedAt, responses, [1] extensions
  const at = data[0]?.tag === 0xa0 ? 1 : 0;
  const producedAt = time(data[at + 1]);
  const responses = seqOf(data[at + 2])?.map(readSingle);
  if (signatureOid === undefined || producedAt === undefined || !responses) return undefined;
  const singles = responses.filter((r): r is SingleResponse => r !== undefined);
  if (singles.length !== responses.length) return undefined;
  const certsTlv = basic[3]?.tag === 0xa0 ? seqOf(readTlv(basic[3].value)) : [];
  const nonce = nonceOf(data[at + 3]);
  return {
    tbs: tlvBytes(tbsTlv),
    producedAt,
    responses: singles,
    ...(nonce !== undefined ? { nonce } : {}),
    signatureOid,
    // BIT STRING: the first byte counts unused bits (0 for signatures).
    signature: sig.value.subarray(1),
    certs: (certsTlv ?? []).map(tlvBytes),
  };
}

/** The response as the responder sent it (DER), read; never throws. */
export function readOcspResponse(der: Uint8Array): OcspResponse {
  const top = seqOf(readTlv(der));
  const code = top?.[0]?.tag === 0x0a ? unsigned(top[0].value) : undefined;
  if (code === undefined) return { responseStatus: 'unparsable' };
  const responseStatus = RESPONSE_STATUS[code] ?? `(${code})`;
  if (responseStatus !== 'successful') return { responseStatus };
  // responseBytes [0] EXPLICIT SEQUENCE { responseType OID, response OCTET STRING }
  const bytes = top?.[1]?.tag === 0xa0 ? seqOf(readTlv(top[1].value)) : undefined;
  const type = bytes?.[0]?.tag === 0x06 ? oidText(bytes[0].value) : undefined;
  if (type !== OID_OCSP_BASIC || bytes?.[1]?.tag !== 0x04) return { responseStatus: 'unparsable' };
  const basic = readBasic(bytes[1].value);
  return basic ? { responseStatus, basic } : { responseStatus: 'unparsable' };
}
