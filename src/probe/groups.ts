// Key-exchange groups. TLS 1.3: each group offered alone, with a real key share when node:crypto
// can make one (else an empty key_share: a HelloRetryRequest naming the group still proves it is
// accepted); then, for accepted groups, whether a client that sends only an X25519 share is asked
// to retry for it. TLS 1.2: each curve offered alone with ECDHE suites; the ServerKeyExchange
// names the curve used.
import { GROUPS, groupById, type NamedGroup } from '../tls/index.ts';
import type { ProbeContext } from './context.ts';
import type { Outcome } from './exchange.ts';
import { keyShareFor } from './key-shares.ts';
import { suitesFor, TLS13, TYPICAL_SHARES } from './offer.ts';
import type { GroupFinding, TypicalClient } from './report.ts';

const X25519 = 29;

export const groupLabel = (id: number): string => {
  const g = groupById(id);
  return g ? (g.openssl ?? g.iana) : `0x${id.toString(16).padStart(4, '0')}`;
};

const picked = (o: Outcome): { group: number | undefined; hrr: boolean; tls13: boolean } =>
  o.kind === 'hello' || o.kind === 'hrr'
    ? { group: o.hello.keyShareGroup, hrr: o.kind === 'hrr', tls13: o.hello.selectedVersion === TLS13 }
    : { group: undefined, hrr: false, tls13: false };

async function tls13Group(
  ctx: ProbeContext,
  g: NamedGroup,
): Promise<{ accepted: boolean; hrr: boolean | null }> {
  const suites = suitesFor(TLS13).map((s) => s.id);
  const share = keyShareFor(g.id) !== undefined ? [g.id] : [];
  const alone = picked(
    await ctx.raw({ version: TLS13, suites, sni: ctx.sni, groups: [g.id], keyShares: share }),
  );
  if (!alone.tls13 || alone.group !== g.id) return { accepted: false, hrr: null };
  if (g.id === X25519) return { accepted: true, hrr: false };
  const withX25519 = picked(
    await ctx.raw({ version: TLS13, suites, sni: ctx.sni, groups: [g.id, X25519], keyShares: [X25519] }),
  );
  return { accepted: true, hrr: withX25519.hrr && withX25519.group === g.id };
}

const NIST_CURVES = [23, 24, 25];

async function tls12Group(ctx: ProbeContext, version: number, g: NamedGroup): Promise<boolean> {
  const suites = suitesFor(version)
    .filter((s) => s.kx === 'ECDHE')
    .map((s) => s.id);
  const uses = (o: Outcome): boolean =>
    o.kind === 'hello' && o.serverKeyExchange?.kind === 'ecdhe' && o.serverKeyExchange.group === g.id;
  if (uses(await ctx.raw({ version, suites, sni: ctx.sni, groups: [g.id] }))) return true;
  // Below TLS 1.3 an ECDSA certificate's own curve must be in supported_groups too (RFC 8422
  // §5.1.1), so an ECDSA-only server refuses a list without it: offer the group first, followed
  // by the NIST curves certificates use. A server that prefers its own order may still pick one
  // of those; the group then stays unconfirmed.
  const others = NIST_CURVES.filter((id) => id !== g.id);
  return uses(await ctx.raw({ version, suites, sni: ctx.sni, groups: [g.id, ...others] }));
}

export interface GroupProbe {
  readonly groups: GroupFinding[];
  readonly typical: TypicalClient | null;
}

/**
 * `tls13`: probe TLS 1.3 groups; `legacyVersion`: the highest accepted version below 1.3 (0 for
 * none), whose ECDHE curves are probed.
 */
export async function probeGroups(
  ctx: ProbeContext,
  tls13: boolean,
  legacyVersion: number,
): Promise<GroupProbe> {
  const results = await Promise.all(
    GROUPS.map(async (g) => {
      const [v13, v12] = await Promise.all([
        tls13 && !g.legacyOnly ? tls13Group(ctx, g) : Promise.resolve({ accepted: false, hrr: null }),
        legacyVersion > 0 && !g.tls13Only && !g.ffdhe
          ? tls12Group(ctx, legacyVersion, g)
          : Promise.resolve(false),
      ]);
      return { g, v13, v12 };
    }),
  );
  const groups: GroupFinding[] = results
    .filter(({ v13, v12 }) => v13.accepted || v12)
    .map(({ g, v13, v12 }) => ({
      name: g.openssl ?? g.iana,
      id: g.id,
      tls13: v13.accepted,
      tls12: v12,
      hrr: v13.accepted ? v13.hrr : null,
      post_quantum: g.postQuantum,
    }));
  return { groups, typical: tls13 ? await typicalClient(ctx) : null };
}

/** A client like today's browsers: hybrid and X25519 shares, NIST curves listed after them. */
async function typicalClient(ctx: ProbeContext): Promise<TypicalClient> {
  const o = await ctx.raw({
    version: TLS13,
    suites: suitesFor(TLS13).map((s) => s.id),
    sni: ctx.sni,
    groups: [...TYPICAL_SHARES, 23, 24, 25],
    keyShares: TYPICAL_SHARES,
  });
  const p = picked(o);
  return {
    key_shares: TYPICAL_SHARES.map(groupLabel),
    group: p.tls13 && p.group !== undefined ? groupLabel(p.group) : null,
    hrr: p.hrr,
  };
}
