// `listeners:`: each address used once, each name once; a plain-HTTP listener or a TLS listener with
// its policy, timeouts, limits, session resumption and sites.

import { resolvePolicy } from '../tls/policy.ts';
import { addressesClash, type ListenAddress, parseListenAddress } from './address.ts';
import type { Checker } from './checker.ts';
import { DEFAULTS } from './defaults.ts';
import { checkHttpListener } from './http-listener-check.ts';
import { checkLimits, checkTimeouts } from './limits-check.ts';
import type { HttpListenerPlan, ListenerPlan } from './plan.ts';
import { checkProxyProtocol } from './proxy-protocol-check.ts';
import { checkSession } from './resumption-check.ts';
import type { RawListener } from './schema.ts';
import { checkSites } from './site-check.ts';

export interface CheckedListeners {
  readonly listeners: ListenerPlan[];
  readonly httpListeners: HttpListenerPlan[];
}

export async function checkListeners(
  ctx: Checker,
  rawListeners: readonly RawListener[],
): Promise<CheckedListeners> {
  const listeners: ListenerPlan[] = [];
  const httpListeners: HttpListenerPlan[] = [];
  const seenAddresses: { address: ListenAddress; index: number }[] = [];
  const seenNames = new Map<string, number>();
  for (const [i, rawListener] of rawListeners.entries()) {
    const lp = `listeners[${i}]`;
    const address = parseListenAddress(rawListener.address);
    if (!address.ok) {
      ctx.add('error', `${lp}.address`, address.error, 'write host:port, [::1]:port or :port');
    } else {
      const clash = seenAddresses.find((s) => addressesClash(s.address, address.value));
      if (clash) {
        ctx.add(
          'error',
          `${lp}.address`,
          `address ${rawListener.address} is already used by listeners[${clash.index}]`,
          'each listener needs its own host:port; put the sites of both under one listener',
        );
      }
      seenAddresses.push({ address: address.value, index: i });
    }
    const name = rawListener.name ?? rawListener.address;
    const sameName = seenNames.get(name);
    if (sameName !== undefined && rawListener.name !== undefined) {
      ctx.add(
        'error',
        `${lp}.name`,
        `listener name '${name}' is already used by listeners[${sameName}]`,
        'give each listener a unique name',
      );
    }
    seenNames.set(name, i);

    if (rawListener.http !== undefined) {
      checkHttpListener(ctx, lp, rawListener, name, address.ok ? address.value : undefined, httpListeners);
      continue;
    }
    if (rawListener.sites === undefined) {
      ctx.add(
        'error',
        lp,
        "missing required key 'sites'",
        'add sites: (a TLS listener), or http: { redirect_https: true } for a plain-HTTP listener',
      );
      continue;
    }

    const policyResult = resolvePolicy(rawListener.tls ?? {});
    ctx.adopt(`${lp}.tls`, policyResult.problems);

    const timeouts = checkTimeouts(ctx, lp, rawListener);
    const limits = checkLimits(ctx, lp, rawListener);

    const resumption = checkSession(ctx, `${lp}.session`, rawListener.session);
    const proxyProtocol = checkProxyProtocol(ctx, lp, rawListener);
    const sites = await checkSites(
      ctx,
      lp,
      rawListener.sites,
      rawListener.tls !== undefined,
      policyResult.policy,
      limits,
    );
    if (address.ok && policyResult.policy && sites) {
      listeners.push({
        name,
        host: address.value.host,
        port: address.value.port,
        policy: policyResult.policy,
        strictSni: rawListener.strict_sni ?? false,
        sites,
        handshakeTimeoutMs: timeouts.handshakeMs,
        timeouts,
        limits,
        maxClientHelloBytes: rawListener.max_client_hello_bytes ?? DEFAULTS.maxClientHelloBytes,
        resumption,
        ...(proxyProtocol !== undefined ? { proxyProtocol } : {}),
        ...(rawListener.reuse_port === true ? { reusePort: true } : {}),
      });
    }
  }
  return { listeners, httpListeners };
}
