// Protocol features read from one raw TLS ≤ 1.2 ServerHello: secure renegotiation (RFC 5746),
// TLS compression (CRIME), the heartbeat extension (presence only: no heartbeat is ever sent, so
// Heartbleed itself is not tested), extended master secret; the DHE prime size; and whether the
// server honours TLS_FALLBACK_SCSV (RFC 7507).
import { describeOutcome, type ProbeContext } from './context.ts';
import { type Finding, notTested, observed } from './finding.ts';
import { suitesFor } from './offer.ts';

export interface FeatureProbe {
  readonly secureRenegotiation: Finding;
  readonly compression: Finding;
  readonly heartbeat: Finding;
  readonly extendedMasterSecret: Finding;
  readonly dhBits: number | null;
}

const untested = (why: string): FeatureProbe => ({
  secureRenegotiation: notTested(why),
  compression: notTested(why),
  heartbeat: notTested(why),
  extendedMasterSecret: notTested(why),
  dhBits: null,
});

/** `version`: the highest accepted version below TLS 1.3 (0: none, nothing to test). */
export async function probeFeatures(ctx: ProbeContext, version: number): Promise<FeatureProbe> {
  if (version === 0) return untested('TLS 1.3 only: it does not exist in TLS 1.3');
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
      secureRenegotiation: observed(full.hello.renegotiationInfo),
      compression: observed(full.hello.compressionMethod !== 0),
      heartbeat: observed(full.hello.extensions.some((e) => e.type === 15)),
      extendedMasterSecret: observed(full.hello.extendedMasterSecret),
      dhBits,
    };
  }
  const refused = `the hello offering compression and heartbeat got ${describeOutcome(full)}`;
  if (plain.kind === 'hello') {
    return {
      ...untested(refused),
      secureRenegotiation: observed(plain.hello.renegotiationInfo),
      extendedMasterSecret: observed(plain.hello.extendedMasterSecret),
      dhBits,
    };
  }
  return { ...untested(`the plain hello got ${describeOutcome(plain)}`), dhBits };
}

function significantBits(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/**
 * TLS_FALLBACK_SCSV: a hello for the second-highest accepted version carrying the SCSV must be
 * refused with inappropriate_fallback. Not tested when only one version is accepted (nothing to
 * fall back to) or the answer is neither.
 */
export async function probeFallbackScsv(ctx: ProbeContext, accepted: readonly number[]): Promise<Finding> {
  const sorted = [...accepted].sort((a, b) => b - a);
  const lower = sorted[1];
  if (lower === undefined) return notTested('one version accepted: nothing to fall back to');
  const o = await ctx.raw({
    version: lower,
    suites: suitesFor(lower).map((s) => s.id),
    sni: ctx.sni,
    fallbackScsv: true,
  });
  if (o.kind === 'hello' || (o.kind === 'alert' && o.alert.name === 'inappropriate_fallback'))
    return observed(o.kind === 'alert');
  return notTested(`the fallback hello got ${describeOutcome(o)}`);
}
