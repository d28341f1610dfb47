// What versions a ClientHello offers, read the way a server must read them (RFC 8446 §4.2.1).
import type { ClientHello } from './client-hello.ts';
import { isGrease, ProtocolVersion, versionRank } from './versions.ts';

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
