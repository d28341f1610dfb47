// Two sockets joined both ways: backpressure through pipe(), half-close passed on (a FIN from one
// side ends writing to the other, and the other may keep talking), and an error or reset on either
// side tears down both. Used by passthrough (raw TCP both sides) and TLS-to-TCP (TLS in front).

import type { Duplex } from 'node:stream';

export interface RelayEnds {
  /** First reason either side failed ('ECONNRESET', …), if any. */
  readonly error: string | undefined;
}

interface Timed {
  setTimeout(ms: number, callback?: () => void): unknown;
}

/**
 * Joins `a` and `b`; calls `done` once, when both are closed. Both sockets must have been made
 * with allowHalfOpen so that one direction can finish while the other goes on. A connection on
 * which neither side says anything for `idleMs` is closed (nginx stream's proxy_timeout), so a
 * silent client cannot hold it forever.
 */
export function relay(
  a: Duplex & Timed,
  b: Duplex & Timed,
  done: (ends: RelayEnds) => void,
  idleMs = 600_000,
): void {
  let error: string | undefined;
  let closed = 0;
  const onError = (err: NodeJS.ErrnoException): void => {
    error ??= err.code ?? err.message;
    a.destroy();
    b.destroy();
  };
  const onClose = (): void => {
    if (++closed === 2) done({ error });
    else {
      // One side is gone for good: nothing more can reach it or come from it.
      if (a.destroyed && !b.destroyed && !b.writableEnded) b.end();
      if (b.destroyed && !a.destroyed && !a.writableEnded) a.end();
    }
  };
  a.on('error', onError);
  b.on('error', onError);
  // A socket's timer restarts on reads and writes, and all traffic crosses both sockets: either
  // firing means nothing moved either way for idleMs.
  const onIdle = (): void => {
    error ??= 'idle_timeout';
    a.destroy();
    b.destroy();
  };
  a.setTimeout(idleMs, onIdle);
  b.setTimeout(idleMs, onIdle);
  a.once('close', onClose);
  b.once('close', onClose);
  // end: true carries a half-close across: a's FIN ends b's writable side, and vice versa.
  a.pipe(b);
  b.pipe(a);
  // A side that has finished both ways is done; destroy it so 'close' comes promptly.
  const settle = (s: Duplex) => () => {
    if (s.writableFinished && s.readableEnded) s.destroy();
  };
  a.on('end', settle(a));
  a.on('finish', settle(a));
  b.on('end', settle(b));
  b.on('finish', settle(b));
}
