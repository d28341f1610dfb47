// A Logger that keeps every event, and lets a test wait for one.
//
//   const events = collectEvents();
//   createCertificateManager({ …, log: events.log });
//   const issued = await events.waitFor((e) => e.event === 'certificate_issued');

import type { LogEvent, Logger } from '../../src/observe/logger.ts';

export type { LogEvent };

export interface EventCollector {
  readonly log: Logger;
  readonly events: LogEvent[];
  /** Resolves with the first event (already seen or future) matching; rejects after `timeoutMs`. */
  waitFor(match: (e: LogEvent) => boolean, timeoutMs?: number): Promise<LogEvent>;
  /** Events named `name`. */
  named(name: string): LogEvent[];
}

export function collectEvents(echo = false): EventCollector {
  const events: LogEvent[] = [];
  const waiters: { match: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }[] = [];
  const log: Logger = (event) => {
    events.push(event);
    if (echo) process.stderr.write(`${JSON.stringify(event)}\n`);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  };
  return {
    log,
    events,
    named: (name) => events.filter((e) => e.event === name),
    waitFor(match, timeoutMs = 60_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (e: LogEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; events so far:\n${events.map((e) => JSON.stringify(e)).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}
