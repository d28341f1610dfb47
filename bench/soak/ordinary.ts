// Ordinary clients: a few keep-alive connections making a GET every 200 ms for the whole run. Their
// failures are the soak's verdict on reloads and load: a request that gets no whole 200 is a failure.
// A connection the server closed between requests (a drain on reload, a keep-alive timeout) is
// reopened without counting: that is how every HTTP client behaves.
import type { TLSSocket } from 'node:tls';
import { getOnce, openTls, sleep, sourceAddress } from './clients.ts';

/** Failures by kind: no connection, no whole answer in 5 s, closed before the answer, not a 200. */
export interface OrdinaryFailures {
  readonly connect: number;
  readonly timeout: number;
  readonly closed: number;
  readonly status: number;
}

export interface OrdinaryClients {
  counts(): { ok: number; failed: number };
  failures(): OrdinaryFailures;
  stop(): Promise<void>;
}

const EVERY_MS = 200;

export function startOrdinaryClients(port: number, clients: number, deadline: number): OrdinaryClients {
  let ok = 0;
  let failed = 0;
  const by = { connect: 0, timeout: 0, closed: 0, status: 0 };
  let stopped = false;
  const loop = async (n: number): Promise<void> => {
    let socket: TLSSocket | undefined;
    while (!stopped && performance.now() < deadline) {
      if (socket === undefined || socket.destroyed || !socket.writable) {
        const s = await openTls({ port }, { localAddress: sourceAddress(2, n) });
        if (s instanceof Error) {
          failed += 1;
          by.connect += 1;
          await sleep(EVERY_MS);
          continue;
        }
        socket = s;
      }
      const outcome = await getOnce(socket, '/1k', 5000);
      if (outcome === 'ok') ok += 1;
      else {
        failed += 1;
        by[outcome] += 1;
        socket.destroy();
      }
      await sleep(EVERY_MS);
    }
    socket?.destroy();
  };
  const running = Promise.all(Array.from({ length: clients }, (_, n) => loop(n)));
  return {
    counts: () => ({ ok, failed }),
    failures: () => ({ ...by }),
    async stop() {
      stopped = true;
      await running;
    },
  };
}
