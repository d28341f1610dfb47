// When to renew a real certificate: in the window the CA's ARI (RFC 9773) gives, polled no more often
// than its Retry-After allows, else at one third of lifetime left. An ARI failure is logged and falls
// back to the lifetime plan; a plan already picked for the same certificate is kept (`previous`), so
// the random point in a window does not move at each wake-up.

import type { Logger } from '../../observe/logger.ts';
import type { AccountBook } from './account-book.ts';
import { fetchRenewalInfo } from './acme-fetch.ts';
import { ariCertId, ariPollDelay, parseRenewalInfo } from './ari.ts';
import type { Entry } from './entry.ts';
import type { LineageCertificate } from './lineage.ts';
import { planRenewal, type RenewalPlan } from './renewal.ts';

export interface RenewalPlannerDeps {
  readonly book: Pick<AccountBook, 'caPemOf' | 'renewalInfoUrl'>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly random: () => number;
  readonly requestTimeoutMs: number;
}

/** The plan for `current`; remembers the ARI answer in `entry.ari`. */
export type RenewalPlanner = (entry: Entry, current: LineageCertificate) => Promise<RenewalPlan>;

export function createRenewalPlanner(deps: RenewalPlannerDeps): RenewalPlanner {
  const { book, log, now, random, requestTimeoutMs } = deps;

  /** The renewal plan for a real certificate: ARI when the CA offers it, else one third of lifetime. */
  return async (entry, current) => {
    const previous =
      entry.plan && entry.current?.serialNumber === current.serialNumber ? entry.plan : undefined;
    const lifetime = (): RenewalPlan =>
      planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        ...(previous ? { previous } : {}),
      });
    const t = now().getTime();
    if (entry.ari?.serial === current.serialNumber && t < entry.ari.nextPollAt) {
      return planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        window: entry.ari.info.window,
        ...(previous ? { previous } : {}),
        random,
      });
    }
    try {
      const caPem = await book.caPemOf(entry);
      const url = await book.renewalInfoUrl(entry, caPem);
      const certId = url ? ariCertId(current.certPem) : undefined;
      if (!url || !certId) return lifetime();
      const res = await fetchRenewalInfo(url, certId, {
        ...(caPem ? { ca: caPem } : {}),
        timeoutMs: requestTimeoutMs,
      });
      const parsed = parseRenewalInfo(res.body);
      if (!parsed.ok) throw new Error(parsed.error);
      entry.ari = {
        serial: current.serialNumber,
        info: parsed.value,
        nextPollAt: t + ariPollDelay(res.retryAfter, now()),
      };
      return planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        window: parsed.value.window,
        ...(previous ? { previous } : {}),
        random,
      });
    } catch (e) {
      log({
        event: 'acme_renewal_info_failed',
        level: 'warning',
        name: entry.name,
        error: e instanceof Error ? e.message : String(e),
        fallback: 'one third of lifetime left',
      });
      return lifetime();
    }
  };
}
