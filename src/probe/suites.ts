// Cipher suites of one version, in the server's order of preference. Offer every candidate, note
// the one chosen, take it out, offer the rest again, until the server refuses: the sequence of
// choices is the server's preference order when it enforces one, and the client's (ours) when it
// does not. Whether it does is then asked with several permutations (suite-order.ts), never one
// swap: servers that enforce their order often let a client that prefers ChaCha20 have it.
import { chosenSuite, type ProbeContext } from './context.ts';
import { suitesFor } from './offer.ts';
import type { SuiteOrderFinding } from './report.ts';
import { probeSuiteOrder } from './suite-order.ts';

export interface SuiteEnumeration {
  /** Accepted suites, in the order the server chose them. */
  readonly order: readonly number[];
  readonly serverOrder: SuiteOrderFinding;
}

/** Above this many suites a ClientHello is split into batches (some servers refuse huge hellos). */
const BATCH = 128;

export async function enumerateSuites(ctx: ProbeContext, version: number): Promise<SuiteEnumeration> {
  const candidates = suitesFor(version).map((s) => s.id);
  let remaining = candidates;
  const order: number[] = [];
  while (remaining.length > 0) {
    const chosen = await choose(ctx, version, remaining);
    if (chosen === undefined || !remaining.includes(chosen)) break;
    order.push(chosen);
    remaining = remaining.filter((id) => id !== chosen);
  }
  const pick = async (offered: readonly number[]): Promise<number | undefined> =>
    chosenSuite(await ctx.raw({ version, suites: offered, sni: ctx.sni }), version);
  return { order, serverOrder: await probeSuiteOrder(order, pick) };
}

/**
 * The suite chosen from `offered`. When the whole list gets no answer (some servers drop a hello
 * with hundreds of suites), it is offered in batches, and the batches' winners offered together.
 */
async function choose(
  ctx: ProbeContext,
  version: number,
  offered: readonly number[],
): Promise<number | undefined> {
  const outcome = await ctx.raw({ version, suites: offered, sni: ctx.sni });
  const chosen = chosenSuite(outcome, version);
  if (chosen !== undefined || offered.length <= BATCH || outcome.kind === 'alert') return chosen;
  const winners: number[] = [];
  for (let at = 0; at < offered.length; at += BATCH) {
    const batch = offered.slice(at, at + BATCH);
    const won = chosenSuite(await ctx.raw({ version, suites: batch, sni: ctx.sni }), version);
    if (won !== undefined) winners.push(won);
  }
  if (winners.length <= 1) return winners[0];
  return chosenSuite(await ctx.raw({ version, suites: winners, sni: ctx.sni }), version);
}
