// A plain-HTTP listener (`http:`): it answers ACME HTTP-01 challenges and redirects to HTTPS, so the
// TLS keys of a listener are errors here.

import type { ListenAddress } from './address.ts';
import type { CheckContext } from './check-context.ts';
import type { HttpListenerPlan } from './plan.ts';
import type { RawListener } from './schema.ts';

export function checkHttpListener(
  ctx: CheckContext,
  lp: string,
  raw: RawListener,
  name: string,
  address: ListenAddress | undefined,
  out: HttpListenerPlan[],
): void {
  for (const key of ['sites', 'tls', 'strict_sni', 'max_client_hello_bytes', 'proxy_protocol'] as const) {
    if (raw[key] !== undefined) {
      ctx.add(
        'error',
        `${lp}.${key}`,
        `a plain-HTTP listener (http:) has no ${key}: it answers ACME HTTP-01 challenges and redirects to HTTPS`,
        `remove ${key}, or remove http: to make this a TLS listener`,
      );
    }
  }
  if (address === undefined) return;
  out.push({
    name,
    host: address.host,
    port: address.port,
    redirectHttps: raw.http?.redirect_https ?? true,
    httpsPort: raw.http?.https_port ?? 443,
    ...(raw.reuse_port === true ? { reusePort: true } : {}),
  });
}
