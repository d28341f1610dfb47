// Protocol versions: one raw ClientHello per version, offering every suite that version can use.
// A version is accepted when the server answers with that version (a ServerHello, or for TLS 1.3
// a HelloRetryRequest, which also commits to the version). An alert, another version, a close or
// a reset is a refusal; no answer in time, no connection, or an answer the prober cannot read is
// not a "no": the version was not tested, and the report says why.
import { chosenSuite, describeOutcome, type ProbeContext } from './context.ts';
import type { Outcome } from './exchange.ts';
import { suitesFor, TLS13 } from './offer.ts';
import { VERSION_IDS, VERSION_NAMES, type VersionName } from './report.ts';

export interface VersionProbe {
  readonly name: VersionName;
  readonly id: number;
  readonly suitesOffered: number;
  readonly outcome: Outcome;
  readonly accepted: boolean;
  /** Why neither yes nor no could be told (undefined: it could). */
  readonly notTested: string | undefined;
}

const UNTESTED: ReadonlySet<Outcome['kind']> = new Set(['timeout', 'connect-error', 'malformed']);

export async function probeVersions(ctx: ProbeContext, sni = ctx.sni): Promise<VersionProbe[]> {
  return Promise.all(
    VERSION_NAMES.map(async (name) => {
      const id = VERSION_IDS[name];
      const suites = suitesFor(id).map((s) => s.id);
      const outcome = await ctx.raw({ version: id, suites, sni });
      const accepted = chosenSuite(outcome, id) !== undefined;
      return {
        name,
        id,
        suitesOffered: suites.length,
        outcome,
        accepted,
        notTested: !accepted && UNTESTED.has(outcome.kind) ? describeOutcome(outcome) : undefined,
      };
    }),
  );
}

/** The group a TLS 1.3 server picked (from its ServerHello key share or HelloRetryRequest). */
export function tls13Group(probes: readonly VersionProbe[]): number | undefined {
  const p = probes.find((v) => v.id === TLS13 && v.accepted);
  if (!p || (p.outcome.kind !== 'hello' && p.outcome.kind !== 'hrr')) return undefined;
  return p.outcome.hello.keyShareGroup;
}
