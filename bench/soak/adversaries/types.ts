// What every adversary looks like to the soak's phases: started with a target and a scale, it runs
// until stopped (or its own deadline), and counts what happened to it.
export interface AdversaryContext {
  readonly port: number;
  /** 0 < scale ≤ 1: counts are scaled down for short runs (the test's 10–15 s mode). */
  readonly scale: number;
  /** performance.now() after which nothing new is started. */
  readonly deadline: number;
}

export type Counts = Readonly<Record<string, number>>;

export interface Adversary {
  readonly name: string;
  counts(): Counts;
  /** Stops starting anything and closes what it holds; resolves within a few seconds. */
  stop(): Promise<void>;
}

export interface AdversaryKind {
  readonly name: string;
  readonly group: 'holds' | 'floods' | 'junk';
  start(ctx: AdversaryContext): Adversary;
}

/** `n` scaled, at least 1. */
export const scaled = (n: number, scale: number): number => Math.max(1, Math.round(n * scale));
