// The certificate manager: for each ACME site, keep live/<name>/ holding a valid certificate for its
// hosts. Serve a self-signed placeholder until the first issuance; order at once when there is no
// real certificate; renew when ARI (RFC 9773) says so, else at one third of lifetime left; on failure
// keep what is in service, log the CA's problem document, and retry with capped exponential backoff.
// Only one instance orders a name at a time (LockStore); with a SharedCertificateStore (several
// hosts) the one that orders publishes the result and the others adopt it. acme-client is imported
// lazily, on the first order, so importing this module costs the serving path nothing.
//
// This file is the scheduler (when to look at each entry, one run at a time) and the wiring; the
// pieces it calls: entry.ts (the entries, their record and status), account-book.ts (account and
// client per directory), renewal-planner.ts (ARI or lifetime plan), order-attempt.ts (one order under
// the lock), challenge-presenter.ts (publish/withdraw answers), shared-lineage.ts (adopt/publish).

import type { Logger } from '../../observe/logger.ts';
import { createAccountBook } from './account-book.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import { createChallengePresenter } from './challenge-presenter.ts';
import { type ChallengeStore, createFileChallengeStore } from './challenge-store.ts';
import {
  clearFailures,
  type Entry,
  entriesFor,
  entryStatus,
  type ManagedCertificateStatus,
  persistEntry,
} from './entry.ts';
import { type LineagePaths, readLineage } from './lineage.ts';
import { createFileLockStore, type LockStore } from './lock-store.ts';
import { createOrderAttempt } from './order-attempt.ts';
import { ensurePlaceholderCertificate } from './placeholder.ts';
import { issueReason } from './renewal.ts';
import { createRenewalPlanner } from './renewal-planner.ts';
import type { AcmeSiteConfig } from './settings.ts';
import { createSharedLineage } from './shared-lineage.ts';
import type { SharedCertificateStore } from './shared-store.ts';

export type { ManagedCertificateStatus, ManagedState } from './entry.ts';

export interface CertificateManagerOptions {
  readonly stateDir: string;
  readonly sites: readonly AcmeSiteConfig[];
  readonly log: Logger;
  /** Where challenge answers go for the data plane; default files in state_dir/acme/challenges. */
  readonly challengeStore?: ChallengeStore;
  /** Order locks; default files in state_dir/acme/locks. */
  readonly lockStore?: LockStore;
  /**
   * Certificates and account keys shared with instances on other hosts (Redis): published after each
   * issuance, adopted from there before ordering. Default none (one host, or a shared state_dir).
   */
  readonly shared?: SharedCertificateStore;
  readonly backoff?: BackoffPolicy;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** How acme-client polls a challenge/order: first delay, cap, attempts. Default 1 s, 10 s, 15. */
  readonly statusPoll?: { readonly minMs: number; readonly maxMs: number; readonly attempts: number };
  /** Per HTTP request to the CA; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Default 3 min. */
  readonly dnsHookTimeoutMs?: number;
  /** Order lock lifetime (extended while the order runs); default 10 min. */
  readonly lockTtlMs?: number;
  /** When another instance holds the order lock, look again after; default 1 min. */
  readonly lockRetryMs?: number;
  /** Wake at least this often to re-read the files; default 12 h. */
  readonly maxSleepMs?: number;
  /** How long a published challenge answer lives; default 1 h. */
  readonly challengeTtlMs?: number;
}

export interface CertificateManager {
  /** Write placeholders where needed (so the files exist for the serving side), then start the loops. */
  start(): Promise<void>;
  /** Stop timers; waits (up to 10 s) for orders in flight. */
  stop(): Promise<void>;
  status(): ManagedCertificateStatus[];
  /** Order now whatever the schedule says (a `tlsterm cert renew`); resolves true on success. */
  renewNow(name: string): Promise<boolean>;
  /** live/<name>/ paths of a site, by lineage name. */
  readonly paths: ReadonlyMap<string, LineagePaths>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export function createCertificateManager(opts: CertificateManagerOptions): CertificateManager {
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const log = opts.log;
  const store = opts.challengeStore ?? createFileChallengeStore(`${opts.stateDir}/acme/challenges`);
  const locks = opts.lockStore ?? createFileLockStore(`${opts.stateDir}/acme/locks`);
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const poll = opts.statusPoll ?? { minMs: 1_000, maxMs: 10_000, attempts: 15 };
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const lockTtlMs = opts.lockTtlMs ?? 10 * 60_000;
  const lockRetryMs = opts.lockRetryMs ?? 60_000;
  const maxSleepMs = opts.maxSleepMs ?? 12 * 3_600_000;
  const challengeTtlMs = opts.challengeTtlMs ?? 3_600_000;

  const entries = entriesFor(opts.sites, opts.stateDir, log);
  let stopped = false;

  const book = createAccountBook({
    stateDir: opts.stateDir,
    entries,
    log,
    now,
    shared: opts.shared,
    poll,
    requestTimeoutMs,
  });
  const shared = createSharedLineage({ shared: opts.shared, stateDir: opts.stateDir, log, now });
  const planFor = createRenewalPlanner({ book, log, now, random, requestTimeoutMs });
  const persist = (entry: Entry): Promise<void> => persistEntry(entry, { stateDir: opts.stateDir, log, now });
  const attempt = createOrderAttempt({
    stateDir: opts.stateDir,
    log,
    now,
    random,
    locks,
    lockTtlMs,
    lockRetryMs,
    backoff,
    book,
    present: createChallengePresenter({
      store,
      challengeTtlMs,
      dnsHookTimeoutMs: opts.dnsHookTimeoutMs,
      now,
    }),
    shared,
    persist,
    schedule: (entry, at) => schedule(entry, at), // defined below, with the loop that calls attempt
    stopped: () => stopped,
  });

  // --- scheduling

  const schedule = (entry: Entry, at: Date): void => {
    if (stopped) return;
    if (entry.timer) clearTimeout(entry.timer);
    const delay = Math.min(Math.max(0, at.getTime() - now().getTime()), maxSleepMs, MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void run(entry, false);
    }, delay);
  };

  const run = (entry: Entry, force: boolean): Promise<boolean> => {
    if (entry.running) {
      if (!force) entry.again = true;
      return entry.running;
    }
    const p = (force ? attempt(entry, 'requested', entry.current) : evaluate(entry))
      .catch((e: unknown) => {
        // A bug or an unusable state directory: log it, and look again later.
        log({ event: 'certificate_manager_error', level: 'error', name: entry.name, error: String(e) });
        schedule(entry, new Date(now().getTime() + backoff.baseMs));
        return false;
      })
      .finally(() => {
        entry.running = undefined;
        if (entry.again && !stopped) {
          entry.again = false;
          void run(entry, false);
        }
      });
    entry.running = p;
    return p;
  };

  const evaluate = async (entry: Entry): Promise<boolean> => {
    if (stopped) return false;
    if (await shared.adopt(entry)) {
      // What this instance failed to get, another one got: no reason left to back off.
      clearFailures(entry);
    }
    let current = await readLineage(opts.stateDir, entry.name);
    const t = now();
    if (!current || (current.selfSigned && current.notAfter.getTime() - t.getTime() < 86_400_000)) {
      // Issuance has failed for weeks (or the files went away): keep something valid in place.
      await ensurePlaceholderCertificate(opts.stateDir, entry.name, entry.hosts, t);
      current = await readLineage(opts.stateDir, entry.name);
    }
    const reason = issueReason(current, entry.hosts, t);
    entry.current = current;
    if (entry.nextAttemptAt && t < entry.nextAttemptAt) {
      schedule(entry, entry.nextAttemptAt); // backing off
      return false;
    }
    if (reason) return attempt(entry, reason, current);
    if (!current) return false;
    entry.state = 'valid';
    const plan = await planFor(entry, current);
    entry.plan = plan;
    const planKey = `${current.serialNumber} ${plan.at.toISOString()}`;
    if (entry.loggedPlan !== planKey) {
      entry.loggedPlan = planKey;
      log({
        event: 'certificate_renewal_scheduled',
        level: 'info',
        name: entry.name,
        serial: current.serialNumber,
        not_after: current.notAfter.toISOString(),
        renew_at: plan.at.toISOString(),
        source: plan.source,
        ...(plan.window
          ? { window_start: plan.window.start.toISOString(), window_end: plan.window.end.toISOString() }
          : {}),
        ...(entry.ari?.info.explanationUrl ? { explanation_url: entry.ari.info.explanationUrl } : {}),
      });
      await persist(entry);
    }
    if (plan.at.getTime() <= t.getTime()) return attempt(entry, 'renewal', current);
    const nextPoll = entry.ari?.nextPollAt;
    schedule(entry, new Date(Math.min(plan.at.getTime(), nextPoll ?? Number.POSITIVE_INFINITY)));
    return false;
  };

  const paths = new Map([...entries.values()].map((e) => [e.name, e.paths] as const));
  let unsubscribe: (() => void) | undefined;

  return {
    paths,
    async start() {
      stopped = false;
      for (const entry of entries.values()) {
        const made = await ensurePlaceholderCertificate(opts.stateDir, entry.name, entry.hosts, now());
        entry.current = await readLineage(opts.stateDir, entry.name);
        entry.state = entry.current?.selfSigned ? 'placeholder' : 'starting';
        if (made.created) {
          log({
            event: 'certificate_placeholder',
            level: 'warning',
            name: entry.name,
            hosts: entry.hosts,
            cert: made.certPath,
            detail: 'serving a self-signed certificate until the first ACME issuance succeeds',
          });
        }
      }
      // Another host published a name: look at once instead of at the next timer.
      unsubscribe = opts.shared?.onCertificate((name) => {
        const entry = entries.get(name);
        if (entry && !stopped) void run(entry, false);
      });
      for (const entry of entries.values()) schedule(entry, now());
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = undefined;
      const running: Promise<unknown>[] = [];
      for (const entry of entries.values()) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = undefined;
        if (entry.running) running.push(entry.running);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 10_000);
          timer.unref();
        }),
      ]);
      if (timer) clearTimeout(timer);
      book.close();
    },
    status() {
      return [...entries.values()].map(entryStatus);
    },
    async renewNow(name) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`no ACME certificate named ${name}`);
      // Let whatever runs (and any re-run it queued) finish, then order.
      while (entry.running) await entry.running;
      return run(entry, true);
    },
  };
}
