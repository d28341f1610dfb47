// What OCSP stapling needs of one certificate in service: its fingerprint (the staple's key, the
// cache file's name), its issuer (the next certificate of the chain), the CertID, the responder
// URLs of its AIA extension and whether it is must-staple (TLS Feature status_request, RFC 7633).

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { children, oidText, readTlv, type Tlv, unsigned } from '../../wire/index.ts';
import { pemBlocks } from '../pem.ts';
import { type CertIdSource, certIdSource } from './cert-id.ts';

export interface OcspTarget {
  /** SHA-256 of the leaf's DER, hex: what a handshake's certificate is looked up by. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly serialNumber: string;
  /** Epoch ms. */
  readonly notAfter: number;
  /** AIA id-ad-ocsp URIs, in certificate order. */
  readonly aiaUrls: readonly string[];
  readonly mustStaple: boolean;
  /** Absent when the chain has no issuer certificate after the leaf (no CertID can be made). */
  readonly issuer?: crypto.X509Certificate;
  readonly certId?: CertIdSource;
}

const AIA = '1.3.6.1.5.5.7.1.1';
const AD_OCSP = '1.3.6.1.5.5.7.48.1';
const TLS_FEATURE = '1.3.6.1.5.5.7.1.24';
const STATUS_REQUEST = 5;

/** extnID → extnValue contents, from a certificate's DER. */
function extensions(der: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const cert = readTlv(der);
  const tbs = cert?.tag === 0x30 ? children(cert.value)?.[0] : undefined;
  const fields = tbs?.tag === 0x30 ? children(tbs.value) : undefined;
  const exts = fields?.find((f) => f.tag === 0xa3);
  const list = exts ? readTlv(exts.value) : undefined;
  for (const ext of (list?.tag === 0x30 ? children(list.value) : undefined) ?? []) {
    const parts: Tlv[] = (ext.tag === 0x30 ? children(ext.value) : undefined) ?? [];
    const id = parts[0]?.tag === 0x06 ? oidText(parts[0].value) : undefined;
    const value = parts.at(-1);
    if (id !== undefined && value?.tag === 0x04) out.set(id, value.value);
  }
  return out;
}

function ocspUrls(aia: Uint8Array | undefined): string[] {
  const list = aia ? readTlv(aia) : undefined;
  const urls: string[] = [];
  for (const desc of (list?.tag === 0x30 ? children(list.value) : undefined) ?? []) {
    const [method, location] = (desc.tag === 0x30 ? children(desc.value) : undefined) ?? [];
    // accessLocation uniformResourceIdentifier [6] IA5String
    if (method?.tag === 0x06 && oidText(method.value) === AD_OCSP && location?.tag === 0x86)
      urls.push(Buffer.from(location.value).toString('latin1'));
  }
  return urls;
}

function mustStaple(feature: Uint8Array | undefined): boolean {
  const list = feature ? readTlv(feature) : undefined;
  const items = (list?.tag === 0x30 ? children(list.value) : undefined) ?? [];
  return items.some((i) => i.tag === 0x02 && unsigned(i.value) === STATUS_REQUEST);
}

/** The target for a PEM chain (leaf first); undefined when the leaf cannot be read. */
export function ocspTarget(chainPem: string): OcspTarget | undefined {
  try {
    const certs = pemBlocks(chainPem).filter((b) => b.label === 'CERTIFICATE');
    if (!certs[0]) return undefined;
    const leaf = new crypto.X509Certificate(certs[0].text);
    const leafDer = new Uint8Array(leaf.raw);
    const ext = extensions(leafDer);
    const issuer = certs[1] ? new crypto.X509Certificate(certs[1].text) : undefined;
    const certId =
      issuer && leaf.checkIssued(issuer) ? certIdSource(leafDer, new Uint8Array(issuer.raw)) : undefined;
    return {
      fingerprint: crypto.createHash('sha256').update(leafDer).digest('hex'),
      subject: leaf.subject.split('\n').join(', '),
      serialNumber: leaf.serialNumber,
      notAfter: leaf.validToDate.getTime(),
      aiaUrls: ocspUrls(ext.get(AIA)),
      mustStaple: mustStaple(ext.get(TLS_FEATURE)),
      ...(issuer && certId ? { issuer, certId } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The staple key of a handshake's certificate (DER, as Node's 'OCSPRequest' hands it over). */
export const certificateFingerprint = (der: Uint8Array): string =>
  crypto.createHash('sha256').update(der).digest('hex');
