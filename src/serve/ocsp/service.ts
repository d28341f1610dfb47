// OCSP in the one process per host that fetches (the cluster primary): the refresher over the plan's
// certificates, re-read every minute (renewals, hot reloads) and on reload. Verified responses go to
// the workers through `publish`; `latest()` is what a worker that just started is sent.
// Must-staple certificates are fetched before start() resolves, i.e. before any worker serves. With
// `state: redis` the responses are also shared through Redis (certs/ocsp/redis-cache.ts).

import {
  createOcspRefresher,
  createRedisOcspCache,
  type OcspCertificate,
  type OcspRefresher,
  type OcspStatus,
} from '../../certs/ocsp/index.ts';
import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import { openRedisConnection, type RedisConnection } from '../../state/redis-connection.ts';
import { ocspCertificatesOf } from './certificates.ts';

export interface OcspService {
  /** Every verified response held: [fingerprint, der, nextUpdate]. */
  latest(): [string, Uint8Array, number][];
  /** A new plan (reload). */
  update(plan: Plan): void;
  /** The per-certificate snapshot (metrics, status). */
  status(): OcspStatus[];
  stop(): Promise<void>;
}

export interface OcspServiceOptions {
  readonly plan: Plan;
  readonly log: Logger;
  readonly publish: (fingerprint: string, der: Uint8Array | undefined, nextUpdate: number) => void;
  /** Between re-reads of the certificate files; default one minute. */
  readonly rescanMs?: number;
}

// The running service of this process (the primary), for ocspStatus().
let current: OcspService | undefined;

/** Per certificate: what is stapled, its window, where it came from, the last error (for metrics). */
export const ocspStatus = (): OcspStatus[] => current?.status() ?? [];

/** Resolves once the must-staple certificates had their first fetch (or their cached response). */
export async function startOcspService(options: OcspServiceOptions): Promise<OcspService> {
  const { log } = options;
  let plan = options.plan;
  const held = new Map<string, [Uint8Array, number]>();
  // state: redis — the responses are shared with the other hosts (the first plan's settings).
  const state = plan.state;
  const all: OcspCertificate[] = ocspCertificatesOf(plan);
  // No connection of its own for an instance with nothing to staple (a reload that adds one shares
  // through the disk cache only, until the next restart).
  const redis: RedisConnection | undefined =
    state.backend === 'redis' && all.length > 0
      ? await openRedisConnection({
          url: state.url,
          log,
          ...(state.tls ? { tls: state.tls } : {}),
          ...(state.topology ? { topology: state.topology } : {}),
        })
      : undefined;
  const refresher: OcspRefresher = createOcspRefresher({
    stateDir: plan.stateDir,
    log,
    publish: (fp, der, nextUpdate) => {
      if (der === undefined) held.delete(fp);
      else held.set(fp, [der, nextUpdate]);
      options.publish(fp, der, nextUpdate);
    },
    ...(redis
      ? {
          shared: createRedisOcspCache({
            connection: redis,
            ...(state.backend === 'redis' && state.prefix !== undefined ? { prefix: state.prefix } : {}),
          }),
        }
      : {}),
  });
  const rescan = () =>
    refresher
      .set(ocspCertificatesOf(plan))
      .catch((e: unknown) =>
        log({ event: 'ocsp_failed', reason: 'internal', detail: String(e), stapled: false, responder: null }),
      );
  await refresher.set(all.filter((c) => c.target.mustStaple));
  void refresher.set(all);
  const timer = setInterval(() => void rescan(), options.rescanMs ?? 60_000);
  timer.unref();
  const service: OcspService = {
    latest: () => [...held].map(([fp, [der, next]]) => [fp, der, next]),
    update(next) {
      plan = next;
      void rescan();
    },
    status: () => refresher.status(),
    async stop() {
      clearInterval(timer);
      refresher.stop();
      if (current === service) current = undefined;
      await redis?.close();
    },
  };
  current = service;
  return service;
}
