// ALPN protocols: each offered alone, then all at once (h2 first) for the server's pick. Below
// TLS 1.3 the choice is in the plaintext ServerHello; a TLS 1.3-only server is asked through
// Node's client, since its answer travels in the encrypted EncryptedExtensions.
import { describeOutcome, type ProbeContext } from './context.ts';
import { connectTls } from './node-client.ts';
import { suitesFor } from './offer.ts';

export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1', 'http/1.0'];

export interface AlpnProbe {
  readonly accepted: string[];
  readonly preferred: string | null;
  /** Why no offer got an answer (undefined: at least one did, so the list is the finding). */
  readonly notTested: string | undefined;
}

/** The protocol chosen (null: none); `failed` when the offer got no handshake answer at all. */
type Selection = { readonly chosen: string | null } | { readonly failed: string };

async function selected(
  ctx: ProbeContext,
  legacyVersion: number,
  protocols: readonly string[],
): Promise<Selection> {
  if (legacyVersion > 0) {
    const suites = suitesFor(legacyVersion).map((s) => s.id);
    const o = await ctx.raw({ version: legacyVersion, suites, sni: ctx.sni, alpn: protocols });
    if (o.kind === 'hello') return { chosen: o.hello.alpn ?? null };
    // An alert (no_application_protocol, handshake_failure) is the server saying no.
    return o.kind === 'alert' ? { chosen: null } : { failed: describeOutcome(o) };
  }
  const r = await ctx.pool.run(() =>
    connectTls(ctx.endpoint, {
      minVersion: 'TLSv1.3',
      ALPNProtocols: [...protocols],
      ...(ctx.sni !== undefined ? { servername: ctx.sni } : {}),
    }),
  );
  if (!r.ok) return { failed: `Node's TLS client could not complete a handshake: ${r.error}` };
  const chosen = r.socket.alpnProtocol;
  r.socket.destroy();
  return { chosen: typeof chosen === 'string' ? chosen : null };
}

export async function probeAlpn(ctx: ProbeContext, legacyVersion: number): Promise<AlpnProbe> {
  const [each, preferred] = await Promise.all([
    Promise.all(ALPN_PROTOCOLS.map((p) => selected(ctx, legacyVersion, [p]))),
    selected(ctx, legacyVersion, ALPN_PROTOCOLS),
  ]);
  const all = [...each, preferred];
  const answered = all.filter((x): x is { chosen: string | null } => 'chosen' in x);
  const failed = all.find((x): x is { failed: string } => 'failed' in x);
  return {
    accepted: ALPN_PROTOCOLS.filter((p, i) => {
      const x = each[i];
      return x !== undefined && 'chosen' in x && x.chosen === p;
    }),
    preferred: 'chosen' in preferred ? preferred.chosen : null,
    notTested: answered.length === 0 ? (failed?.failed ?? 'no answer') : undefined,
  };
}
