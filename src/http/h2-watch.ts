// The timers of an HTTP/2 session's streams: one interval per session, running only while a stream
// is open, that asks each stream whether a bound has run out. node:http2's own stream timers are
// not used: their "write in progress" check looks at the session's frame counter, so one stream
// being reset postpones every other stream's timeout (measured: 20 stalled streams took over 4 s
// to time out with a 1 s bound).

import { performance } from 'node:perf_hooks';

export interface Watched {
  /** `now` is performance.now(). */
  check(now: number): void;
}

export class SessionWatch {
  private readonly watched = new Set<Watched>();
  private readonly everyMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(everyMs: number) {
    this.everyMs = everyMs;
  }

  get size(): number {
    return this.watched.size;
  }

  add(w: Watched): void {
    this.watched.add(w);
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(), this.everyMs);
      this.timer.unref();
    }
  }

  delete(w: Watched): void {
    if (this.watched.delete(w) && this.watched.size === 0) this.stopTimer();
  }

  stop(): void {
    this.watched.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private sweep(): void {
    const now = performance.now();
    for (const w of [...this.watched]) w.check(now);
  }
}
