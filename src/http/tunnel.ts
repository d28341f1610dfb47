// After a 101 Switching Protocols (WebSocket and friends): bytes flow both ways untouched, with
// backpressure in each direction and half-close passed through.

import type { Buffer } from 'node:buffer';
import type net from 'node:net';
import type { UpstreamConn, UpstreamOwner } from './upstream-pool.ts';

export class Tunnel implements UpstreamOwner {
  private readonly client: net.Socket;
  private readonly up: net.Socket;
  private readonly onDone: () => void;
  bytesIn = 0;
  bytesOut = 0;
  private finished = false;

  /**
   * `idleMs`: the client socket's inactivity timer, which reads from the client and writes to it
   * (upstream bytes) both reset: it fires after that long with no byte either way, and the
   * connection's 'timeout' handler ends the tunnel.
   */
  constructor(client: net.Socket, upstream: UpstreamConn, idleMs: number, onDone: () => void) {
    this.client = client;
    this.up = upstream.socket;
    this.onDone = onDone;
    client.setTimeout(idleMs);
    upstream.pool.detach(upstream, this);
  }

  /** Bytes the client sent; the connection's 'data' handler routes them here. */
  fromClient(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (!this.up.write(chunk)) this.client.pause();
  }

  clientDrain(): void {
    this.up.resume();
  }

  clientEnd(): void {
    if (!this.up.destroyed) this.up.end();
  }

  clientClose(): void {
    this.up.destroy();
    this.finish();
  }

  onUpstreamConnect(): void {}

  onUpstreamData(chunk: Buffer): void {
    this.bytesOut += chunk.length;
    if (!this.client.write(chunk)) this.up.pause();
  }

  onUpstreamEnd(): void {
    if (!this.client.destroyed) this.client.end();
  }

  onUpstreamError(): void {
    this.client.destroy();
  }

  onUpstreamClose(): void {
    // Whatever the client already has stays delivered; a half-closed client side is ended normally.
    if (!this.client.writableEnded) this.client.destroy();
    this.finish();
  }

  onUpstreamDrain(): void {
    this.client.resume();
  }

  onUpstreamTimeout(): void {}

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone();
  }
}
