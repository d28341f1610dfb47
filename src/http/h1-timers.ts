// The HTTP/1.1 connection's one inactivity timer: which bound ran out in which state (head, body,
// send, keep-alive, tunnel idle, the drain's idle wait, the closing grace), and what then happens.

import { performance } from 'node:perf_hooks';
import { Http1State, P } from './h1-state.ts';
import { logTimeout, type TimeoutKind } from './timeouts.ts';

/** A connection has been idle this long before a drain closes it (a client about to reuse it gets its answer). */
const DRAIN_IDLE_MS = 1000;

export abstract class Http1Timers extends Http1State {
  protected closeIfIdle(): void {
    if (this.decoder.inHead) return; // a request is arriving: it will be answered, then closed
    const idleMs = performance.now() - this.idleSince;
    if (idleMs >= DRAIN_IDLE_MS) this.close();
    else this.arm(Math.ceil(DRAIN_IDLE_MS - idleMs));
  }

  protected onTimeout(): void {
    const now = performance.now();
    const phase = this.phase;
    if (
      (phase === P.idle || phase === P.active) &&
      this.stall.stuck(now, this.socket.writableLength, this.timerMs, this.opts.sendTimeoutMs)
    ) {
      this.timedOut('send', this.opts.sendTimeoutMs);
      return;
    }
    switch (phase) {
      case P.closing:
        this.socket.destroy();
        return;
      case P.tunnel:
        this.timedOut('tunnel_idle', this.opts.tunnelIdleTimeoutMs);
        return;
      case P.active:
        if (!this.requestDone && !this.readPaused && now - this.lastReadAt >= this.opts.bodyTimeoutMs) {
          this.timedOut('body', this.opts.bodyTimeoutMs);
          return;
        }
        // Waiting for the upstream: its response timeout runs on the upstream socket.
        this.arm(this.tick);
        return;
      case P.idle:
        if (this.decoder.inHead) {
          if (now - this.headStartedAt >= this.opts.headersTimeoutMs) {
            this.headTimedOut();
            return;
          }
        } else if (now - this.idleSince >= this.opts.keepAliveTimeoutMs) {
          logTimeout(this.log, this.info, 'keepalive', this.opts.keepAliveTimeoutMs, null, null);
          this.close();
          return;
        } else if (this.draining) {
          this.closeIfIdle();
          return;
        }
        this.arm(this.tick);
        return;
      default:
    }
  }

  protected headTimedOut(): void {
    logTimeout(this.log, this.info, 'header', this.opts.headersTimeoutMs, null, null);
    this.reject({ status: 408, reason: 'request head timeout' });
  }

  /**
   * A bound ran out. A body that stopped arriving gets its 408 if no response has started; in every
   * other case the client is cut (what we would send cannot get through) and so is the upstream
   * connection, whose state is unknown: it never goes back to the pool.
   */
  protected timedOut(kind: TimeoutKind, limitMs: number): void {
    const active = this.phase === P.active;
    logTimeout(this.log, this.info, kind, limitMs, active ? this.method : null, active ? this.path : null);
    if (kind === 'tunnel_idle') {
      this.socket.destroy(); // onClose, still in the tunnel phase, closes the upstream side
      return;
    }
    this.exchange?.abort();
    this.exchange = null;
    if (active && kind === 'body' && !this.responseStarted) {
      this.logAccess(408);
      this.phase = P.idle;
      this.sendErrorAndClose(408);
      return;
    }
    if (active) this.logAccess(this.responseStarted ? this.status : 408);
    this.phase = P.closing;
    this.decoder.destroy();
    this.socket.destroy();
  }
}
