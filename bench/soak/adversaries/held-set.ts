// The bookkeeping of a holding adversary: what it opened, what failed to open, and how many of its
// connections the server ended before the adversary let go (a timeout or a limit at work).
import type { Duplex } from 'node:stream';
import type { Counts } from './types.ts';

export interface HeldSet {
  add(socket: Duplex): void;
  fail(): void;
  counts(): Counts;
  /** Closes everything still held; resolves when closed or after 3 s. */
  closeAll(): Promise<void>;
  readonly stopped: boolean;
}

export function createHeldSet(): HeldSet {
  const open = new Set<Duplex>();
  let opened = 0;
  let failed = 0;
  let cut = 0;
  let stopped = false;
  return {
    add(socket) {
      opened += 1;
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        if (!stopped) cut += 1;
      });
    },
    fail() {
      failed += 1;
    },
    counts: () => ({ opened, failed, cut_by_server: cut, open: open.size }),
    get stopped() {
      return stopped;
    },
    async closeAll() {
      stopped = true;
      const closing = [...open].map((s) => new Promise<void>((r) => s.once('close', () => r())));
      for (const s of open) s.destroy();
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}
