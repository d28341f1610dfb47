// `client_auth:` of a site: mutual TLS at the terminator (none | optional | required, with the CA
// bundle client certificates must chain to).

import type { CheckContext } from './check-context.ts';
import type { ClientAuth } from './plan.ts';
import type { RawClientAuth } from './schema.ts';

// Not a ParseResult: the problems were already reported to `ctx` with their paths, and "no
// client_auth" is a success with no value.
export type ClientAuthResult = { readonly ok: true; readonly value?: ClientAuth } | { readonly ok: false };

export async function checkClientAuth(
  ctx: CheckContext,
  sp: string,
  raw: RawClientAuth | undefined,
  mode: 'terminate' | 'passthrough',
): Promise<ClientAuthResult> {
  if (raw === undefined) return { ok: true };
  const obj = typeof raw === 'string' ? { mode: raw } : raw;
  if (obj.mode === 'none') return { ok: true };
  const where = `${sp}.client_auth`;
  if (mode === 'passthrough') {
    ctx.add(
      'error',
      where,
      'a passthrough site never sees the client certificate: the TLS session is between the client and the upstream',
      'remove client_auth and let the upstream ask for client certificates (or use mode: terminate)',
    );
    return { ok: false };
  }
  const ca = 'ca' in obj ? obj.ca : undefined;
  if (ca === undefined || (Array.isArray(ca) && ca.length === 0)) {
    ctx.add(
      'error',
      typeof raw === 'string' ? where : `${where}.ca`,
      `client_auth ${obj.mode} needs the CA that issues client certificates`,
      `write client_auth: { mode: ${obj.mode}, ca: clients-ca.pem }`,
    );
    return { ok: false };
  }
  const caPems = await ctx.readCaFiles(ca, `${where}.ca`);
  if (caPems === undefined) return { ok: false };
  return {
    ok: true,
    value: { mode: obj.mode, caPems, forwardPem: ('forward_pem' in obj && obj.forward_pem) === true },
  };
}
