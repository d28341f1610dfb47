// ACME Renewal Information (RFC 9773): the certificate identifier the CA is asked about, and the
// renewalInfo response. Pure; fetching is in acme-fetch.ts.

import { Buffer } from 'node:buffer';
import '../reflect-metadata.ts';
import * as x509 from '@peculiar/x509';
import { fail, ok, type ParseResult } from '../../wire/parse-result.ts';
import type { RenewalWindow } from './renewal.ts';

export interface RenewalInfo {
  readonly window: RenewalWindow;
  readonly explanationUrl?: string;
}

/** hex → the DER INTEGER content octets: minimal, with a 00 in front when the top bit is set. */
function serialOctets(hex: string): Buffer {
  let h = hex.replace(/[^0-9a-f]/gi, '').toLowerCase();
  if (h.length % 2 === 1) h = `0${h}`;
  while (h.length > 2 && h.startsWith('00') && Number.parseInt(h.slice(2, 4), 16) < 0x80) h = h.slice(2);
  if (Number.parseInt(h.slice(0, 2), 16) >= 0x80) h = `00${h}`;
  return Buffer.from(h, 'hex');
}

/** RFC 9773 §4.1 certID from the AKI keyIdentifier and the serial number (hex, any case, colons ok). */
export function ariCertIdFrom(authorityKeyIdHex: string, serialHex: string): string {
  const aki = Buffer.from(authorityKeyIdHex.replace(/[^0-9a-f]/gi, ''), 'hex');
  return `${aki.toString('base64url')}.${serialOctets(serialHex).toString('base64url')}`;
}

/** The certID of a leaf certificate (PEM), or undefined when it has no AKI keyIdentifier. */
export function ariCertId(leafPem: string): string | undefined {
  try {
    const cert = new x509.X509Certificate(leafPem);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
    if (!aki?.keyId) return undefined;
    return ariCertIdFrom(aki.keyId, cert.serialNumber);
  } catch {
    return undefined;
  }
}

/** A renewalInfo body: `{ suggestedWindow: { start, end }, explanationURL? }`. */
export function parseRenewalInfo(body: unknown): ParseResult<RenewalInfo> {
  if (typeof body !== 'object' || body === null) return fail('renewalInfo is not a JSON object');
  const o = body as Record<string, unknown>;
  const w = o['suggestedWindow'];
  if (typeof w !== 'object' || w === null) return fail('renewalInfo has no suggestedWindow');
  const startText = (w as Record<string, unknown>)['start'];
  const endText = (w as Record<string, unknown>)['end'];
  if (typeof startText !== 'string' || typeof endText !== 'string')
    return fail('suggestedWindow needs start and end timestamps');
  const start = new Date(startText);
  const end = new Date(endText);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    return fail('suggestedWindow start/end are not RFC 3339 timestamps');
  if (end.getTime() <= start.getTime()) return fail('suggestedWindow ends before it starts');
  const explanation = o['explanationURL'];
  return ok({
    window: { start, end },
    ...(typeof explanation === 'string' ? { explanationUrl: explanation.slice(0, 2000) } : {}),
  });
}

/**
 * When to ask again, from Retry-After (seconds or an HTTP date): RFC 9773 §4.3 has clients follow it
 * within sane bounds, here [1 min, 1 day]; 6 h when the CA sends none.
 */
export function ariPollDelay(retryAfter: string | undefined, now: Date): number {
  const MINUTE = 60_000;
  const DAY = 24 * 60 * MINUTE;
  let ms = 6 * 60 * MINUTE;
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) ms = secs * 1000;
    else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) ms = at - now.getTime();
    }
  }
  return Math.min(DAY, Math.max(MINUTE, ms));
}
