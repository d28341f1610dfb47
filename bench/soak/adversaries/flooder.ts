// A flooding adversary from one function that does one unit of work: `concurrency` loops of it
// until stopped, the deadline, or `cap` units (scaled) — bounded in count and in time.
import { pool } from '../clients.ts';
import { type AdversaryKind, scaled } from './types.ts';

/** One unit: resolves true when it went as a well-behaved server would make it go. */
export type Unit = (port: number, i: number) => Promise<boolean>;

export function flooder(
  name: string,
  group: 'floods' | 'junk',
  cap: number,
  concurrency: number,
  unit: Unit,
): AdversaryKind {
  return {
    name,
    group,
    start(ctx) {
      let done = 0;
      let failed = 0;
      let stopped = false;
      const running = pool(scaled(cap, ctx.scale), concurrency, ctx.deadline, async (i) => {
        if (stopped) return;
        if (await unit(ctx.port, i)) done += 1;
        else failed += 1;
      });
      return {
        name,
        counts: () => ({ done, failed }),
        async stop() {
          stopped = true;
          await running;
        },
      };
    },
  };
}
