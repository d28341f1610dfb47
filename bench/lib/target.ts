// What a scenario needs to know about the server it is measuring.
import type { RunningServer } from './server-process.ts';

export interface Target {
  readonly server: RunningServer;
  readonly hostname: string;
  /** Root CA of the bench PKI, for clients that verify the chain. */
  readonly ca: string;
  /** RSS of this process after its warm-up: what each idle connection adds to. */
  readonly baselineRssBytes: number;
  /** The backend whose CPU time is reported next to the proxy's (passthrough: the TLS backend). */
  readonly backend?: RunningServer;
  /** Replaces the server with a fresh, warmed-up process on the same port (undefined: it failed). */
  readonly restart?: () => Promise<Target | undefined>;
  /** Set once a scenario has run against this process. */
  used?: boolean;
}

export interface Settings {
  /** Duration of each timed run (BENCH_SECONDS). */
  readonly seconds: number;
  /** Unmeasured seconds of a scenario's own load before each of its measured runs (BENCH_PRE_RUN_SECONDS; 0: none). */
  readonly preRunSeconds: number;
  readonly rounds: number;
  readonly wrkConnections: number;
  readonly handshakeConcurrency: number;
  readonly idleConnections: number;
  readonly bulkMiB: number;
  /** h2load's connections and concurrent streams per connection (BENCH_H2_CONNS, BENCH_H2_STREAMS). */
  readonly h2Connections: number;
  readonly h2Streams: number;
  /** Connections held by the after-load scenario (BENCH_AFTER_LOAD_CONNS). */
  readonly afterLoadConnections: number;
  /** How long after they closed its last reading is taken (BENCH_AFTER_LOAD_SECONDS). */
  readonly afterLoadSeconds: number;
}
