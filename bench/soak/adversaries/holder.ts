// A holding adversary from one function that opens one held connection: open `count` of them
// (scaled), `concurrency` at a time, keep them until stopped.
import type { Duplex } from 'node:stream';
import { pool } from '../clients.ts';
import { createHeldSet } from './held-set.ts';
import { type AdversaryContext, type AdversaryKind, scaled } from './types.ts';

export type OpenHeld = (ctx: AdversaryContext, i: number) => Promise<Duplex | Error>;

export function holder(name: string, count: number, concurrency: number, open: OpenHeld): AdversaryKind {
  return {
    name,
    group: 'holds',
    start(ctx) {
      const held = createHeldSet();
      const opening = pool(scaled(count, ctx.scale), concurrency, ctx.deadline, async (i) => {
        if (held.stopped) return;
        const s = await open(ctx, i);
        if (s instanceof Error) held.fail();
        else if (held.stopped) s.destroy();
        else held.add(s);
      });
      return {
        name,
        counts: held.counts,
        async stop() {
          await held.closeAll();
          await opening;
        },
      };
    },
  };
}
