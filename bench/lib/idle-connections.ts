// Holding many idle TLS connections open: handshake done, no request sent, as a browser's
// pre-connected or parked connections are. Used to see what each one costs the server in memory.
import { connect, type TLSSocket } from 'node:tls';
import { within } from './wait.ts';

export interface IdleConnections {
  readonly opened: number;
  readonly failed: number;
  readonly firstError?: string;
  /** How many are still open (a server's idle timeout may have closed some). */
  stillOpen(): number;
  close(): Promise<void>;
}

export interface IdleOptions {
  readonly port: number;
  readonly servername: string;
  readonly count: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
}

function openOne(options: IdleOptions, deadline: number): Promise<TLSSocket | Error> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: options.port,
      servername: options.servername,
      rejectUnauthorized: false,
      ecdhCurve: 'X25519',
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () => {
        socket.destroy();
        resolve(new Error('handshake timed out'));
      },
      Math.max(1, deadline - performance.now()),
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

export function openIdleConnections(options: IdleOptions): Promise<IdleConnections> {
  return holdMany(
    options,
    (deadline) => openOne(options, deadline),
    (s) => !s.destroyed && s.readyState === 'open',
  );
}

/** What holdMany keeps open: a TLS socket or an h2 session. */
interface Held {
  destroy(): void;
  on(event: 'error', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Opens `count` connections with `open`, `concurrency` at a time until the deadline, and holds them:
 * the one loop behind the idle TLS connections and the idle h2 sessions.
 */
export async function holdMany<T extends Held>(
  options: Pick<IdleOptions, 'count' | 'concurrency' | 'timeoutMs'>,
  open: (deadline: number) => Promise<T | Error>,
  isOpen: (held: T) => boolean,
): Promise<IdleConnections> {
  const deadline = performance.now() + options.timeoutMs;
  const held: T[] = [];
  let failed = 0;
  let launched = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (launched < options.count && performance.now() < deadline) {
      launched += 1;
      const result = await open(deadline);
      if (result instanceof Error) {
        failed += 1;
        firstError ??= result.message;
      } else {
        // Errors after opening (a server closing idle connections, a GOAWAY) are counted by stillOpen.
        result.on('error', () => {});
        held.push(result);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    opened: held.length,
    failed,
    ...(firstError === undefined ? {} : { firstError }),
    stillOpen: () => held.filter(isOpen).length,
    close: async () => {
      const closed = held.map((h) => new Promise<void>((resolve) => h.once('close', () => resolve())));
      for (const h of held) h.destroy();
      await within(Promise.all(closed), 5000);
    },
  };
}
