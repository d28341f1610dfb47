// The certificate side of `serve`, run by exactly one process per host (the cluster primary, or the
// single serving process): the ACME certificate manager for the plan's ACME sites, and the expiry
// check of every certificate in service (ACME or not) at start and once a day. The serving processes
// learn about new certificates through their file watchers, and answer challenges from the shared
// store (responders.ts); nothing here touches a listener.

import process from 'node:process';
import type { CertificateManager, CertificateManagerOptions } from '../../certs/acme/manager.ts';
import { type ExpiryCheck, startExpiryChecks } from '../../certs/expiry.ts';
import { certificatesInService } from '../../certs/in-service.ts';
import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import { acmeSitesOf } from './sites.ts';
import { openAcmeStores } from './stores.ts';

/** The manager's clocks that tests shorten (production keeps the library defaults). */
export type AcmeTiming = Pick<
  CertificateManagerOptions,
  'statusPoll' | 'backoff' | 'lockRetryMs' | 'requestTimeoutMs' | 'maxSleepMs'
>;

/**
 * TLSTERM_ACME_FAST_RETRY=1: poll the CA every 200 ms and retry a failed order after about a
 * second. For tests against a local CA (pebble) only: against a public CA it burns rate limits.
 */
export function acmeTimingFromEnv(env: NodeJS.ProcessEnv = process.env): AcmeTiming {
  if (env['TLSTERM_ACME_FAST_RETRY'] !== '1') return {};
  return {
    statusPoll: { minMs: 200, maxMs: 1_000, attempts: 30 },
    backoff: { baseMs: 1_000, capMs: 2_000 },
    lockRetryMs: 500,
  };
}

export interface AcmeServiceOptions {
  readonly plan: Plan;
  readonly log: Logger;
  /** Default plan.stateDir. */
  readonly stateDir?: string;
  /** Default acmeTimingFromEnv(). */
  readonly timing?: AcmeTiming;
  /** Between expiry checks; default one day. */
  readonly expiryIntervalMs?: number;
}

export interface AcmeService {
  /** Undefined when the plan has no ACME site. */
  readonly manager: CertificateManager | undefined;
  /** Run the expiry check now (it also runs at start and daily). */
  checkExpiry(): void;
  /** A new plan (reload): stop, then start again on it. */
  update(plan: Plan): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  readonly manager: CertificateManager | undefined;
  readonly expiry: ExpiryCheck;
  stop(): Promise<void>;
}

async function start(options: AcmeServiceOptions, plan: Plan): Promise<Running> {
  const { log } = options;
  const stateDir = options.stateDir ?? plan.stateDir;
  const sites = acmeSitesOf(plan);
  let manager: CertificateManager | undefined;
  let closeStores: (() => Promise<void>) | undefined;
  if (sites.length > 0) {
    const stores = await openAcmeStores(plan, log, stateDir);
    closeStores = () => stores.close();
    // The ACME client and X.509 tools load only for a plan with ACME sites (~40 MiB otherwise spent).
    const { createCertificateManager } = await import('../../certs/acme/manager.ts');
    manager = createCertificateManager({
      stateDir,
      sites,
      log,
      challengeStore: stores.challenges,
      lockStore: stores.locks,
      ...(stores.shared ? { shared: stores.shared } : {}),
      ...(options.timing ?? acmeTimingFromEnv()),
    });
    try {
      await manager.start();
    } catch (e) {
      await stores.close();
      throw e;
    }
    log({
      event: 'acme_manager_started',
      level: 'info',
      certificates: manager.status().map((s) => ({ name: s.name, hosts: s.hosts, state: s.state })),
      shared: stores.backend,
    });
  }
  const expiry = startExpiryChecks({
    certificates: () => certificatesInService({ listeners: plan.listeners, stateDir }),
    log,
    ...(options.expiryIntervalMs !== undefined ? { intervalMs: options.expiryIntervalMs } : {}),
  });
  return {
    manager,
    expiry,
    async stop() {
      expiry.stop();
      await manager?.stop();
      await closeStores?.();
    },
  };
}

/**
 * Start managing the plan's ACME certificates and checking every certificate's expiry. Call after
 * prepareAcmeSites (placeholders in place) and after the listeners are up (challenges are answered).
 */
export async function startAcmeService(options: AcmeServiceOptions): Promise<AcmeService> {
  let running = await start(options, options.plan);
  return {
    get manager() {
      return running.manager;
    },
    checkExpiry: () => {
      running.expiry.run();
    },
    async update(plan) {
      await running.stop();
      running = await start(options, plan);
    },
    stop: () => running.stop(),
  };
}
