// Keeps one verified OCSP response per certificate in service, in the one process per host that
// fetches (the cluster primary): loaded from the disk cache at start, fetched when missing, then
// refreshed at half its window (at least an hour before nextUpdate), with backoff on failure.
// Every verified response goes to `publish` (the workers) and to disk; the handshake path never
// waits on the network. ocspStatus() is the snapshot other parts (metrics, status) read.

import crypto from 'node:crypto';
import type { Logger } from '../../observe/index.ts';
import { buildOcspRequest } from './cert-id.ts';
import { readCachedResponse, writeCachedResponse } from './disk-cache.ts';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, postOcspRequest } from './fetch.ts';
import type { SharedOcspCache } from './redis-cache.ts';
import { type OcspPlan, responderUrls } from './settings.ts';
import type { OcspTarget } from './target.ts';
import { type VerifiedOcsp, verifyOcspResponse } from './verify.ts';

/** A certificate to staple for, and the sites (and their `ocsp:`) that serve it. */
export interface OcspCertificate {
  readonly target: OcspTarget;
  readonly plan: OcspPlan;
  readonly sites: readonly string[];
}

export interface OcspStatus {
  readonly fingerprint: string;
  readonly subject: string;
  readonly serial: string;
  readonly sites: readonly string[];
  readonly must_staple: boolean;
  readonly responder: string | null;
  /** What is stapled now: good | revoked | unknown, or null (nothing). */
  readonly cert_status: string | null;
  readonly this_update: string | null;
  readonly next_update: string | null;
  /** disk | redis | fetch | null */
  readonly source: string | null;
  readonly last_error: string | null;
  readonly failures: number;
  readonly refresh_at: string | null;
}

export interface OcspRefresherOptions {
  readonly stateDir: string;
  readonly log: Logger;
  /** A verified response (der) for a certificate, or undefined: stop stapling it. */
  readonly publish: (fingerprint: string, der: Uint8Array | undefined, nextUpdate: number) => void;
  readonly limits?: FetchLimits;
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Never refresh sooner than this after a success (short-lived responses). */
  readonly minRefreshMs?: number;
  /** Shared with other hosts (`state: redis`): read when the disk has nothing valid, written after each fetch. */
  readonly shared?: SharedOcspCache;
}

export interface OcspRefresher {
  /** The certificates in service now; resolves when the first attempt for each new one ended. */
  set(certificates: readonly OcspCertificate[]): Promise<void>;
  status(): OcspStatus[];
  stop(): void;
}

interface Entry {
  cert: OcspCertificate;
  response?: { der: Uint8Array; verified: VerifiedOcsp; source: Source };
  lastError?: string;
  failures: number;
  refreshAt?: number;
  timer?: NodeJS.Timeout;
}

type Source = 'disk' | 'redis' | 'fetch';
const HOUR_MS = 3_600_000;
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** Half the window, at least an hour before nextUpdate, never sooner than `min` from now. */
export function refreshTime(
  v: Pick<VerifiedOcsp, 'thisUpdate' | 'nextUpdate'>,
  now: number,
  min: number,
): number {
  const half = v.thisUpdate + (v.nextUpdate - v.thisUpdate) / 2;
  return Math.max(now + min, Math.min(half, v.nextUpdate - HOUR_MS));
}

export function createOcspRefresher(options: OcspRefresherOptions): OcspRefresher {
  const { stateDir, log, publish } = options;
  const limits = options.limits ?? DEFAULT_FETCH_LIMITS;
  const backoff = options.backoff ?? { baseMs: 60_000, capMs: HOUR_MS };
  const minRefreshMs = options.minRefreshMs ?? 60_000;
  const entries = new Map<string, Entry>();
  let stopped = false;

  const fields = (e: Entry) => ({
    subject: e.cert.target.subject,
    serial: e.cert.target.serialNumber,
    sites: e.cert.sites,
  });

  const schedule = (e: Entry, at: number) => {
    clearTimeout(e.timer);
    e.refreshAt = at;
    if (stopped) return;
    // setTimeout holds 2^31-1 ms at most; a later refresh is re-armed when this one fires.
    e.timer = setTimeout(() => void refresh(e), Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
    e.timer.unref();
  };

  const accept = (e: Entry, der: Uint8Array, source: Source): VerifiedOcsp | string => {
    const { issuer, certId } = e.cert.target;
    if (!issuer || !certId) return 'no_issuer';
    const v = verifyOcspResponse({ der, certId, issuer, now: Date.now() });
    if (!v.ok) return `${v.reason}: ${v.detail}`;
    e.response = { der, verified: v, source };
    publish(e.cert.target.fingerprint, der, v.nextUpdate);
    return v;
  };

  const fail = (e: Entry, responder: string | null, reason: string, detail: string) => {
    e.failures++;
    e.lastError = `${reason}: ${detail}`;
    const now = Date.now();
    const still = e.response !== undefined && e.response.verified.nextUpdate > now;
    if (!still && e.response) {
      e.response = undefined;
      publish(e.cert.target.fingerprint, undefined, 0);
    }
    const delay = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(e.failures - 1, 20));
    // Jitter: several hosts behind one responder do not retry in step.
    const at = now + Math.round(delay * (0.8 + Math.random() * 0.4));
    schedule(e, at);
    log({
      event: 'ocsp_failed',
      level: e.cert.target.mustStaple ? 'error' : 'warning',
      ...fields(e),
      responder,
      reason,
      detail,
      stapled: still,
      retry_at: iso(at),
    });
  };

  const refresh = async (e: Entry): Promise<void> => {
    if (stopped || entries.get(e.cert.target.fingerprint) !== e) return;
    if (e.refreshAt !== undefined && e.refreshAt > Date.now() + 1000) return schedule(e, e.refreshAt);
    const { target, plan } = e.cert;
    const urls = responderUrls(plan, target.aiaUrls);
    if (urls.length === 0) return fail(e, null, 'no_responder', 'no AIA OCSP URL and no ocsp.responder');
    if (!target.certId || !target.issuer)
      return fail(e, urls[0] ?? null, 'no_issuer', 'the chain has no issuer certificate after the leaf');
    let last: { url: string; reason: string; detail: string } | undefined;
    for (const url of urls) {
      const nonce = plan.nonce ? new Uint8Array(crypto.randomBytes(16)) : undefined;
      const answer = await postOcspRequest(url, buildOcspRequest(target.certId, nonce), limits);
      if (stopped || entries.get(target.fingerprint) !== e) return;
      if (!answer.ok) {
        last = { url, reason: answer.reason, detail: answer.detail };
        continue;
      }
      const v = verifyOcspResponse({
        der: answer.der,
        certId: target.certId,
        issuer: target.issuer,
        now: Date.now(),
        ...(nonce ? { nonce } : {}),
      });
      if (!v.ok) {
        last = { url, reason: v.reason, detail: v.detail };
        continue;
      }
      e.response = { der: answer.der, verified: v, source: 'fetch' };
      e.failures = 0;
      delete e.lastError;
      publish(target.fingerprint, answer.der, v.nextUpdate);
      const at = refreshTime(v, Date.now(), minRefreshMs);
      schedule(e, at);
      log({
        event: 'ocsp_fetched',
        ...(v.status === 'revoked' ? { level: 'error' } : v.status === 'unknown' ? { level: 'warning' } : {}),
        ...fields(e),
        responder: url,
        cert_status: v.status,
        this_update: iso(v.thisUpdate),
        next_update: iso(v.nextUpdate),
        signer: v.signer,
        refresh_at: iso(at),
      });
      await options.shared?.set(target.fingerprint, answer.der, v.nextUpdate - Date.now());
      await writeCachedResponse(stateDir, target.fingerprint, answer.der).catch(
        (error: NodeJS.ErrnoException) =>
          log({
            event: 'ocsp_failed',
            ...fields(e),
            responder: url,
            reason: 'cache_write',
            detail: error.code ?? error.message,
            stapled: true,
            retry_at: iso(at),
          }),
      );
      return;
    }
    if (last) fail(e, last.url, last.reason, last.detail);
  };

  const start = async (e: Entry): Promise<void> => {
    const fp = e.cert.target.fingerprint;
    for (const [source, read] of [
      ['disk', () => readCachedResponse(stateDir, fp)],
      ['redis', () => options.shared?.get(fp) ?? Promise.resolve(undefined)],
    ] as const) {
      const cached = await read();
      const v = cached ? accept(e, cached, source) : undefined;
      if (v === undefined || typeof v === 'string') continue;
      if (source === 'redis')
        await writeCachedResponse(stateDir, fp, cached as Uint8Array).catch(() => undefined);
      const at = refreshTime(v, Date.now(), 0);
      if (at > Date.now()) return schedule(e, at);
      break;
    }
    await refresh(e);
  };

  return {
    async set(certificates) {
      const next = new Map(certificates.map((c) => [c.target.fingerprint, c]));
      for (const [fp, e] of entries)
        if (!next.has(fp)) {
          clearTimeout(e.timer);
          entries.delete(fp);
          publish(fp, undefined, 0);
        }
      const started: Promise<void>[] = [];
      for (const [fp, cert] of next) {
        const known = entries.get(fp);
        if (known) {
          known.cert = cert;
          continue;
        }
        const e: Entry = { cert, failures: 0 };
        entries.set(fp, e);
        started.push(start(e));
      }
      await Promise.all(started);
    },
    status: () =>
      [...entries.values()].map((e) => {
        const v = e.response?.verified;
        return {
          fingerprint: e.cert.target.fingerprint,
          subject: e.cert.target.subject,
          serial: e.cert.target.serialNumber,
          sites: e.cert.sites,
          must_staple: e.cert.target.mustStaple,
          responder: responderUrls(e.cert.plan, e.cert.target.aiaUrls)[0] ?? null,
          cert_status: v?.status ?? null,
          this_update: iso(v?.thisUpdate),
          next_update: iso(v?.nextUpdate),
          source: e.response?.source ?? null,
          last_error: e.lastError ?? null,
          failures: e.failures,
          refresh_at: iso(e.refreshAt),
        };
      }),
    stop() {
      stopped = true;
      for (const e of entries.values()) clearTimeout(e.timer);
    },
  };
}
