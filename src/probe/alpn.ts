// ALPN protocols: each offered alone, then all at once (h2 first) for the server's pick. Below
// TLS 1.3 the choice is in the plaintext ServerHello; a TLS 1.3-only server is asked through
// Node's client, since its answer travels in the encrypted EncryptedExtensions.
import type { ProbeContext } from './context.ts';
import { connectTls } from './node-client.ts';
import { suitesFor } from './offer.ts';

export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1', 'http/1.0'];

export interface AlpnProbe {
  readonly accepted: string[];
  readonly preferred: string | null;
}

async function selected(
  ctx: ProbeContext,
  legacyVersion: number,
  protocols: readonly string[],
): Promise<string | null> {
  if (legacyVersion > 0) {
    const suites = suitesFor(legacyVersion).map((s) => s.id);
    const o = await ctx.raw({ version: legacyVersion, suites, sni: ctx.sni, alpn: protocols });
    return o.kind === 'hello' ? (o.hello.alpn ?? null) : null;
  }
  const r = await ctx.pool.run(() =>
    connectTls(ctx.endpoint, {
      minVersion: 'TLSv1.3',
      ALPNProtocols: [...protocols],
      ...(ctx.sni !== undefined ? { servername: ctx.sni } : {}),
    }),
  );
  if (!r.ok) return null;
  const chosen = r.socket.alpnProtocol;
  r.socket.destroy();
  return typeof chosen === 'string' ? chosen : null;
}

export async function probeAlpn(ctx: ProbeContext, legacyVersion: number): Promise<AlpnProbe> {
  const [each, preferred] = await Promise.all([
    Promise.all(ALPN_PROTOCOLS.map((p) => selected(ctx, legacyVersion, [p]))),
    selected(ctx, legacyVersion, ALPN_PROTOCOLS),
  ]);
  return { accepted: ALPN_PROTOCOLS.filter((p, i) => each[i] === p), preferred };
}
