// Alert protocol (RFC 8446 §6, plus the TLS 1.2-era codes still seen from older peers).
import { fail, ok, type ParseResult } from './parse-result.ts';
import { ContentType, encodeRecord } from './record.ts';

// Keys are the RFC's own spellings so logs and docs can be grepped against the RFC text.
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
  ech_required: 121,
} as const;

export type AlertDescriptionName = keyof typeof AlertDescription;

export const AlertLevel = { warning: 1, fatal: 2 } as const;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(AlertDescription).map(([name, code]) => [code, name]),
);

/** "unknown_ca", or "alert_<n>" for codes outside the registry. */
export function alertName(code: number): string {
  return NAMES.get(code) ?? `alert_${code}`;
}

export interface Alert {
  readonly level: 'warning' | 'fatal';
  readonly description: number;
  readonly name: string;
}

/** Parses a plaintext alert record's fragment (exactly two bytes: level, description). */
export function parseAlert(fragment: Uint8Array): ParseResult<Alert> {
  if (fragment.length !== 2) return fail(`alert of ${fragment.length} bytes (expected 2)`);
  const levelCode = fragment[0]!;
  const description = fragment[1]!;
  if (levelCode !== AlertLevel.warning && levelCode !== AlertLevel.fatal)
    return fail(`alert level ${levelCode} is neither warning (1) nor fatal (2)`);
  return ok({
    level: levelCode === AlertLevel.fatal ? 'fatal' : 'warning',
    description,
    name: alertName(description),
  });
}

/**
 * A whole plaintext alert record (5-byte header + level + description), legacy version 0x0303, as
 * a server sends it before any keys exist (e.g. unrecognized_name in answer to a ClientHello).
 */
export function encodeAlert(level: 'warning' | 'fatal', description: number): Uint8Array {
  return encodeRecord(
    ContentType.alert,
    0x0303,
    Uint8Array.of(level === 'fatal' ? AlertLevel.fatal : AlertLevel.warning, description & 0xff),
  );
}
