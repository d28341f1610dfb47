// Protocol features read from one raw TLS ≤ 1.2 ServerHello: secure renegotiation (RFC 5746),
// TLS compression (CRIME), the heartbeat extension (presence only: no heartbeat is ever sent, so
// Heartbleed itself is not tested), extended master secret; the DHE prime size; and whether the
// server honours TLS_FALLBACK_SCSV (RFC 7507).
import type { ProbeContext } from './context.ts';
import { suitesFor } from './offer.ts';

export interface FeatureProbe {
  readonly secureRenegotiation: boolean | null;
  readonly compression: boolean | null;
  readonly heartbeat: boolean | null;
  readonly extendedMasterSecret: boolean | null;
  readonly dhBits: number | null;
}

const UNKNOWN: FeatureProbe = {
  secureRenegotiation: null,
  compression: null,
  heartbeat: null,
  extendedMasterSecret: null,
  dhBits: null,
};

/** `version`: the highest accepted version below TLS 1.3 (0: none, nothing to test). */
export async function probeFeatures(ctx: ProbeContext, version: number): Promise<FeatureProbe> {
  if (version === 0) return UNKNOWN;
  const suites = suitesFor(version).map((s) => s.id);
  const dheSuites = suitesFor(version)
    .filter((s) => s.kx === 'DHE')
    .map((s) => s.id);
  const [full, plain, dhe] = await Promise.all([
    ctx.raw({ version, suites, sni: ctx.sni, compression: [1, 0], heartbeat: true }),
    ctx.raw({ version, suites, sni: ctx.sni }),
    ctx.raw({ version, suites: dheSuites, sni: ctx.sni }),
  ]);
  const dhBits =
    dhe.kind === 'hello' && dhe.serverKeyExchange?.kind === 'dhe'
      ? significantBits(dhe.serverKeyExchange.prime)
      : null;
  // Some servers choke on the compression or heartbeat offer; the plain hello still tells the rest.
  if (full.kind === 'hello') {
    return {
      secureRenegotiation: full.hello.renegotiationInfo,
      compression: full.hello.compressionMethod !== 0,
      heartbeat: full.hello.extensions.some((e) => e.type === 15),
      extendedMasterSecret: full.hello.extendedMasterSecret,
      dhBits,
    };
  }
  if (plain.kind === 'hello') {
    return {
      ...UNKNOWN,
      secureRenegotiation: plain.hello.renegotiationInfo,
      extendedMasterSecret: plain.hello.extendedMasterSecret,
      dhBits,
    };
  }
  return { ...UNKNOWN, dhBits };
}

function significantBits(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/**
 * TLS_FALLBACK_SCSV: a hello for the second-highest accepted version carrying the SCSV must be
 * refused with inappropriate_fallback. null when only one version is accepted (nothing to fall
 * back to) or the answer is neither.
 */
export async function probeFallbackScsv(
  ctx: ProbeContext,
  accepted: readonly number[],
): Promise<boolean | null> {
  const sorted = [...accepted].sort((a, b) => b - a);
  const lower = sorted[1];
  if (lower === undefined) return null;
  const o = await ctx.raw({
    version: lower,
    suites: suitesFor(lower).map((s) => s.id),
    sni: ctx.sni,
    fallbackScsv: true,
  });
  if (o.kind === 'alert') return o.alert.name === 'inappropriate_fallback' ? true : null;
  return o.kind === 'hello' ? false : null;
}
