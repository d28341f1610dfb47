// A bounded-concurrency gate for probe connections: every connection the prober opens goes through
// one of these, so a scan never holds more than `limit` sockets to the target at once, however
// many independent probes are in flight.

export interface Pool {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks started so far (the report's connection count). */
  readonly started: number;
}

export function createPool(limit: number): Pool {
  const max = Math.max(1, Math.floor(limit));
  let active = 0;
  let started = 0;
  const waiting: (() => void)[] = [];

  // A finishing task hands its slot straight to the next waiter, so a caller arriving in between
  // cannot take it as well.
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return {
    get started() {
      return started;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      started++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
