// The one place an instance decides its servers' health: active checks (rise/fall) and passive
// reports from every worker (failures within a window eject a server for a cool-down). It runs once
// per instance (in the cluster primary; in-process without one) and emits each change, which the
// caller broadcasts, so all workers agree.

import { performance } from 'node:perf_hooks';
import type { LogEvent } from '../../observe/index.ts';
import { probe as defaultProbe, type ProbeResult } from './health-probe.ts';
import type { HealthChange, HealthLink, PoolPlan } from './plan.ts';

interface ServerHealth {
  readonly pool: PoolPlan;
  readonly index: number;
  readonly origin: string;
  /** Active checks say up (true when there are none). */
  activeUp: boolean;
  okRun: number;
  failRun: number;
  /** Passive failure times within the window. */
  failures: number[];
  ejectedUntil: number;
  /** What workers were last told. */
  up: boolean;
  reason: string;
  /** upstream_down was logged for the current run of failed checks. */
  downLogged: boolean;
}

export interface AuthorityOptions {
  readonly emit: (changes: readonly HealthChange[]) => void;
  readonly log: (e: LogEvent) => void;
  /** For tests. */
  readonly probe?: (pool: PoolPlan, server: number) => Promise<ProbeResult>;
  readonly now?: () => number;
}

export class HealthAuthority {
  private readonly servers = new Map<string, ServerHealth[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly opts: AuthorityOptions;
  private readonly now: () => number;
  private stopped = false;

  constructor(pools: readonly PoolPlan[], opts: AuthorityOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    for (const p of pools) {
      this.servers.set(
        p.name,
        p.servers.map((s, index) => ({
          pool: p,
          index,
          origin: s.upstream.url.origin,
          activeUp: true,
          okRun: 0,
          failRun: 0,
          failures: [],
          ejectedUntil: 0,
          up: true,
          reason: '',
          downLogged: false,
        })),
      );
    }
  }

  /** Start the active checks (each pool with `health:`), one loop per server. */
  start(): void {
    const probe =
      this.opts.probe ??
      ((pool: PoolPlan, i: number) => defaultProbe(pool.servers[i]!.upstream, pool.health!));
    for (const list of this.servers.values()) {
      for (const s of list) {
        const h = s.pool.health;
        if (h === undefined) continue;
        const loop = async (): Promise<void> => {
          if (this.stopped) return;
          const r = await probe(s.pool, s.index);
          if (this.stopped) return;
          this.checked(s, r);
          this.after(h.intervalMs, () => void loop());
        };
        void loop();
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Every server currently down (for a worker that just started). */
  snapshot(): HealthChange[] {
    const out: HealthChange[] = [];
    for (const [pool, list] of this.servers)
      for (const s of list) if (!s.up) out.push({ pool, server: s.index, up: false, reason: s.reason });
    return out;
  }

  /** A worker's report of a failed request to a server. */
  passive(pool: string, server: number, code: string): void {
    const s = this.servers.get(pool)?.[server];
    if (s === undefined) return;
    const p = s.pool.passive;
    if (p.failures <= 0) return;
    const now = this.now();
    s.failures = s.failures.filter((t) => now - t < p.windowMs);
    s.failures.push(now);
    if (s.failures.length < p.failures || s.ejectedUntil > now) return;
    s.failures = [];
    s.ejectedUntil = now + p.cooldownMs;
    this.opts.log({
      event: 'upstream_ejected',
      pool,
      upstream: s.origin,
      reason: code,
      failures: p.failures,
      cooldown_ms: p.cooldownMs,
    });
    this.settle(s, `ejected after ${p.failures} failures (${code})`);
    this.after(p.cooldownMs + 1, () => this.settle(s, 'cool-down over'));
  }

  /** A timer that stop() clears (unref'd: health checks never keep a process alive). */
  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private checked(s: ServerHealth, r: ProbeResult): void {
    const h = s.pool.health!;
    if (r.ok) {
      s.okRun++;
      s.failRun = 0;
      if (!s.activeUp && s.okRun >= h.rise) {
        s.activeUp = true;
        // Checks that see it recover outrank an ejection made while it was failing.
        s.ejectedUntil = 0;
        this.settle(s, `health check passed ${h.rise} times (${r.detail})`);
      }
    } else {
      s.failRun++;
      s.okRun = 0;
      if (s.activeUp && s.failRun >= h.fall) {
        s.activeUp = false;
        this.settle(s, `health check failed ${h.fall} times (${r.detail})`);
      }
    }
  }

  /** Work out up/down from both sources; tell the workers and the log when it changed. */
  private settle(s: ServerHealth, reason: string): void {
    const up = s.activeUp && s.ejectedUntil <= this.now();
    const pool = s.pool.name;
    // Failing checks are news even for a server already ejected: it is now down until it passes `rise`.
    if (!s.activeUp && !s.downLogged) {
      s.downLogged = true;
      this.opts.log({ event: 'upstream_down', pool, upstream: s.origin, reason });
    }
    if (s.activeUp) s.downLogged = false;
    if (up === s.up) return;
    s.up = up;
    s.reason = reason;
    if (up) this.opts.log({ event: 'upstream_up', pool, upstream: s.origin, reason });
    this.opts.emit([{ pool, server: s.index, up, reason }]);
  }
}

/** The link of a process without a cluster primary: the authority runs right here. */
export const localHealthLink = (
  pools: readonly PoolPlan[],
  log: (e: LogEvent) => void,
): { link: HealthLink; stop: () => void } => {
  const subscribers: ((c: readonly HealthChange[]) => void)[] = [];
  const authority = new HealthAuthority(pools, {
    emit: (changes) => {
      for (const s of subscribers) s(changes);
    },
    log,
  });
  authority.start();
  return {
    link: {
      report: (pool, server, code) => authority.passive(pool, server, code),
      subscribe: (apply) => {
        subscribers.push(apply);
        apply(authority.snapshot());
      },
    },
    stop: () => authority.stop(),
  };
};
