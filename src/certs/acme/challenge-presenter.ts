// Challenges during an order: publish the answer where the data plane (or the DNS) will show it to the
// CA, and hand back what withdraws it. http-01 and tls-alpn-01 answers go to the challenge store the
// serving processes read; dns-01 runs the site's dns_hook.

import type { ChallengeStore } from './challenge-store.ts';
import { dnsChallengeName, runDnsHook } from './dns-hook.ts';
import type { Entry } from './entry.ts';
import type { PresentChallenge } from './order.ts';
import { challengeKey } from './responders.ts';
import { createTlsAlpn01Certificate } from './tls-alpn-certificate.ts';

export interface ChallengePresenterDeps {
  readonly store: ChallengeStore;
  /** How long a published answer lives. */
  readonly challengeTtlMs: number;
  /** The dns_hook's timeout; undefined keeps runDnsHook's own. */
  readonly dnsHookTimeoutMs: number | undefined;
  readonly now: () => Date;
}

/** The `present` callback of an order for `entry`. */
export type ChallengePresenter = (entry: Pick<Entry, 'settings'>) => PresentChallenge;

export function createChallengePresenter(deps: ChallengePresenterDeps): ChallengePresenter {
  const { store, challengeTtlMs, dnsHookTimeoutMs, now } = deps;
  return (entry) => async (type, identifier, token, keyAuthorization) => {
    if (type === 'http-01') {
      const key = challengeKey.http01(token);
      await store.set(key, keyAuthorization, challengeTtlMs);
      return () => store.delete(key);
    }
    if (type === 'tls-alpn-01') {
      const key = challengeKey.tlsAlpn01(identifier);
      const cert = await createTlsAlpn01Certificate(identifier, keyAuthorization, now());
      await store.set(key, JSON.stringify(cert), challengeTtlMs);
      return () => store.delete(key);
    }
    const hook = entry.settings.dns_hook;
    if (!hook) throw new Error('challenge dns-01 needs a dns_hook');
    const fqdn = dnsChallengeName(identifier);
    const hookOpts = dnsHookTimeoutMs ? { timeoutMs: dnsHookTimeoutMs } : {};
    await runDnsHook(hook, 'set', fqdn, keyAuthorization, hookOpts);
    return () => runDnsHook(hook, 'clear', fqdn, keyAuthorization, hookOpts);
  };
}
