// Signature algorithms the server will sign its handshake with: each scheme offered alone. TLS 1.3
// servers (OpenSSL at least) pick the scheme before they answer, so a ServerHello means accepted
// and an alert means not; TLS 1.2 servers name the scheme in the ServerKeyExchange signature.
import { schemeById } from '../tls/index.ts';
import type { ProbeContext } from './context.ts';
import { ALL_SIGALGS, suitesFor, TLS13 } from './offer.ts';

const name = (id: number): string => schemeById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;

export async function probeSigalgs(ctx: ProbeContext, version: number): Promise<string[]> {
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
  if (suites.length === 0) return [];
  const accepted = await Promise.all(
    ALL_SIGALGS.map(async (scheme) => {
      const o = await ctx.raw({ version, suites, sni: ctx.sni, sigalgs: [scheme] });
      if (tls13) return (o.kind === 'hello' || o.kind === 'hrr') && o.hello.selectedVersion === version;
      return o.kind === 'hello' && o.serverKeyExchange?.signed?.scheme === scheme;
    }),
  );
  return ALL_SIGALGS.filter((_, i) => accepted[i]).map(name);
}
