// Collect every certificate chain the server serves: for the name asked and for no SNI at all, to
// a client offering anything, only ECDSA, or only RSA. Below TLS 1.3 the Certificate message is
// plaintext, so a raw hello reads the chain exactly as sent (with the stapled OCSP response); a
// TLS 1.3-only server is asked through Node's client instead, which returns the chain re-ordered.
import { Buffer } from 'node:buffer';
import type tls from 'node:tls';
import type { ProbeContext } from './context.ts';
import { connectTls, peerChain } from './node-client.ts';
import { suitesFor } from './offer.ts';

export type Capability = 'any' | 'ECDSA' | 'RSA';

export interface ChainSample {
  readonly sni: string | null;
  readonly offered: Capability;
  readonly ders: readonly Uint8Array[];
  readonly order: 'as-sent' | 'path';
  /** The stapled OCSP response for the leaf, if any (the server was always asked for one). */
  readonly ocsp: Uint8Array | undefined;
}

const CAPABILITIES: readonly Capability[] = ['any', 'ECDSA', 'RSA'];

// TLS 1.3 picks the certificate from signature_algorithms (Node's `sigalgs` option).
const SIGALGS: Readonly<Record<Exclude<Capability, 'any'>, string>> = {
  ECDSA: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:ed25519:ed448',
  RSA: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512',
};

async function rawSample(
  ctx: ProbeContext,
  version: number,
  sni: string | undefined,
  offered: Capability,
): Promise<ChainSample | undefined> {
  const suites = suitesFor(version)
    .filter((s) => offered === 'any' || s.auth === offered)
    .map((s) => s.id);
  const o = await ctx.raw({ version, suites, sni, statusRequest: true });
  if (o.kind !== 'hello' || o.certificates.length === 0) return undefined;
  return {
    sni: sni ?? null,
    offered,
    ders: o.certificates,
    order: 'as-sent',
    ocsp: o.certificateStatus?.responses[0],
  };
}

async function nodeSample(
  ctx: ProbeContext,
  sni: string | undefined,
  offered: Capability,
): Promise<ChainSample | undefined> {
  let ocsp: Uint8Array | undefined;
  const options: tls.ConnectionOptions = {
    minVersion: 'TLSv1.3',
    requestOCSP: true,
    ...(sni !== undefined ? { servername: sni } : {}),
    ...(offered !== 'any' ? { sigalgs: SIGALGS[offered] } : {}),
  };
  const r = await ctx.pool.run(() =>
    connectTls(ctx.endpoint, options, (s) =>
      s.once('OCSPResponse', (response: Buffer | null) => {
        // Node emits null when the server staples nothing.
        if (response && response.length > 0) ocsp = new Uint8Array(response);
      }),
    ),
  );
  if (!r.ok) return undefined;
  const ders = peerChain(r.socket);
  r.socket.destroy();
  return ders.length === 0 ? undefined : { sni: sni ?? null, offered, ders, order: 'path', ocsp };
}

/**
 * `legacyVersion`: the highest accepted version below TLS 1.3 (0: none, use Node's TLS 1.3 client).
 * The first sample is the one a client offering everything gets for the asked name.
 */
export async function collectChains(ctx: ProbeContext, legacyVersion: number): Promise<ChainSample[]> {
  const names: (string | undefined)[] = ctx.sni !== undefined ? [ctx.sni, undefined] : [undefined];
  const jobs = names.flatMap((sni) =>
    CAPABILITIES.map((offered) =>
      legacyVersion > 0 ? rawSample(ctx, legacyVersion, sni, offered) : nodeSample(ctx, sni, offered),
    ),
  );
  const samples = (await Promise.all(jobs)).filter((s): s is ChainSample => s !== undefined);
  // One entry per distinct chain; the earlier (more typical) way of getting it wins.
  const seen = new Set<string>();
  return samples.filter((s) => {
    const key = s.ders.map((d) => Buffer.from(d).toString('base64')).join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
