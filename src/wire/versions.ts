// Protocol version numbers and GREASE (RFC 8701). Numeric only: display names live with whoever
// displays them.
import type { ClientHello } from './client-hello.ts';

export const ProtocolVersion = {
  ssl2: 0x0002,
  ssl3: 0x0300,
  tls10: 0x0301,
  tls11: 0x0302,
  tls12: 0x0303,
  tls13: 0x0304,
  dtls10: 0xfeff,
  dtls12: 0xfefd,
  dtls13: 0xfefc,
} as const;

/**
 * RFC 8701 reserves the sixteen values 0x0a0a, 0x1a1a, ... 0xfafa (both bytes equal, low nibble a)
 * in every 16-bit registry so that clients can test servers' tolerance of unknown values.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/**
 * The versions the client is willing to speak: supported_versions without GREASE when present,
 * else every version from SSL 3.0 up to legacy_version. Without supported_versions a server can
 * negotiate at most TLS 1.2 (RFC 8446 §4.2.1), so a legacy_version above 0x0303 is capped there.
 */
export function offeredVersions(hello: ClientHello): number[] {
  if (hello.extensions.some((e) => e.type === 43)) return hello.supportedVersions.filter((v) => !isGrease(v));
  const out: number[] = [];
  const top = Math.min(hello.legacyVersion, ProtocolVersion.tls12);
  for (let v = ProtocolVersion.ssl3; v <= top; v++) out.push(v);
  return out;
}

/** The highest non-GREASE version offered, or undefined if none is. */
export function highestOfferedVersion(hello: ClientHello): number | undefined {
  let best: number | undefined;
  for (const v of offeredVersions(hello))
    if (best === undefined || versionRank(v) > versionRank(best)) best = v;
  return best;
}

/** Orders TLS and DTLS versions alike (DTLS numbers count down: 0xfeff is 1.0, 0xfefd is 1.2). */
export function versionRank(v: number): number {
  return v >= 0xfe00 ? 0x10000 - v : v;
}
