// What a scenario needs to know about the server it is measuring.
import type { RunningServer } from './server-process.ts';

export interface Target {
  readonly server: RunningServer;
  readonly hostname: string;
  /** Root CA of the bench PKI, for clients that verify the chain. */
  readonly ca: string;
  /** RSS after the warm-up, before the idle-connections scenario: what each connection adds to. */
  readonly baselineRssBytes: number;
  /** The backend whose CPU time is reported next to the proxy's (passthrough: the TLS backend). */
  readonly backend?: RunningServer;
}

export interface Settings {
  /** Duration of each timed run (BENCH_SECONDS). */
  readonly seconds: number;
  readonly rounds: number;
  readonly wrkConnections: number;
  readonly handshakeConcurrency: number;
  readonly idleConnections: number;
  readonly bulkMiB: number;
}
