// Two sockets joined both ways: backpressure through pipe(), half-close passed on (a FIN from one
// side ends writing to the other, and the other may keep talking), and an error or reset on either
// side tears down both. Used by passthrough (raw TCP both sides) and TLS-to-TCP (TLS in front).

import type { Duplex } from 'node:stream';

export interface RelayEnds {
  /** First reason either side failed ('ECONNRESET', …), if any. */
  readonly error: string | undefined;
}

/**
 * Joins `a` and `b`; calls `done` once, when both are closed. Both sockets must have been made
 * with allowHalfOpen so that one direction can finish while the other goes on.
 */
export function relay(a: Duplex, b: Duplex, done: (ends: RelayEnds) => void): void {
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
