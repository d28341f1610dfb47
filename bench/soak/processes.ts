// tlsterm's processes as the soak samples them: the primary and its workers (children found via
// /proc, so a worker replaced on reload shows up under its new pid), each with its RSS.
import { processTree, rssBytes } from '../lib/proc.ts';

export interface ProcessRss {
  readonly primaryMiB: number;
  /** One per live worker, in pid order (a reload's old generation shows until it exits). */
  readonly workersMiB: readonly number[];
  readonly totalMiB: number;
}

const MiB = 1024 * 1024;
const round1 = (x: number): number => Math.round(x * 10) / 10;

export function sampleRss(primaryPid: number): ProcessRss {
  const workers = processTree(primaryPid)
    .filter((pid) => pid !== primaryPid)
    .sort((a, b) => a - b);
  const primaryMiB = round1(rssBytes([primaryPid]) / MiB);
  const workersMiB = workers.map((pid) => round1(rssBytes([pid]) / MiB));
  return { primaryMiB, workersMiB, totalMiB: round1(primaryMiB + workersMiB.reduce((a, b) => a + b, 0)) };
}
