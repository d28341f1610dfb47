// Signature algorithms the server will sign its handshake with: each scheme offered alone. TLS 1.3
// servers (OpenSSL at least) pick the scheme before they answer, so a ServerHello means accepted
// and an alert means not; TLS 1.2 servers name the scheme in the ServerKeyExchange signature.
import { schemeById } from '../tls/index.ts';
import { describeOutcome, type ProbeContext } from './context.ts';
import type { Outcome } from './exchange.ts';
import { ALL_SIGALGS, suitesFor, TLS13 } from './offer.ts';

const name = (id: number): string => schemeById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;

export interface SigalgsProbe {
  /** Scheme names accepted, in the prober's order. */
  readonly schemes: string[];
  /** Why nothing could be learnt (undefined: tested; an empty list is then a real "none"). */
  readonly notTested: string | undefined;
}

export async function probeSigalgs(ctx: ProbeContext, version: number): Promise<SigalgsProbe> {
  const tls13 = version >= TLS13;
  // TLS 1.2: only suites whose ServerKeyExchange is signed (ephemeral DH with a certificate).
  const suites = suitesFor(version)
    .filter(
      (s) =>
        tls13 ||
        ((s.kx === 'ECDHE' || s.kx === 'DHE') &&
          (s.auth === 'RSA' || s.auth === 'ECDSA' || s.auth === 'DSS')),
    )
    .map((s) => s.id);
  const answered = (o: Outcome, scheme?: number): boolean => {
    if (tls13) return (o.kind === 'hello' || o.kind === 'hrr') && o.hello.selectedVersion === version;
    const signed = o.kind === 'hello' ? o.serverKeyExchange?.signed?.scheme : undefined;
    return signed !== undefined && signed !== null && (scheme === undefined || signed === scheme);
  };
  // The control: every scheme at once. Without an answer to it, no single scheme can be judged.
  const [control, ...each] = await Promise.all([
    ctx.raw({ version, suites, sni: ctx.sni }),
    ...ALL_SIGALGS.map((scheme) => ctx.raw({ version, suites, sni: ctx.sni, sigalgs: [scheme] })),
  ]);
  if (!answered(control!)) {
    return {
      schemes: [],
      notTested: tls13
        ? `offered every scheme, the server answered ${describeOutcome(control!)}`
        : 'the server accepts no suite with a signed key exchange (ECDHE or DHE with a certificate)',
    };
  }
  return {
    schemes: ALL_SIGALGS.filter((scheme, i) => answered(each[i]!, scheme)).map(name),
    notTested: undefined,
  };
}
