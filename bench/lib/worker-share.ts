// How a multi-process server spreads its connections across its workers, seen from outside, the same
// way for every server (tlsterm's cluster workers, nginx's workers): while a run goes on, every
// 200 ms, the established connections on the server's port (`ss -tneH`, filtered by the kernel, with
// each socket's inode) are matched to the worker holding them (the `socket:[inode]` links in each
// worker's /proc/PID/fd). Each distinct connection counts once, for the worker it was seen in. A
// connection still in the accept queue belongs to no worker yet and is not counted.
// For keep-alive connections (open the whole run) the count is exact. Short connections are a sample:
// only those open at a sampling instant are seen (a few dozen per second of handshake load), and a
// worker that holds its connections longer (a slower one) is seen more often, so its share is
// overstated a little. The per-worker CPU share (scale-scenarios.ts) is the exact counterpart.
import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';

export interface SsConnection {
  /** The client's address:port. */
  readonly peer: string;
  readonly inode: number;
}

/** Parses `ss -tneH state established ( sport = :PORT )`: one connection per line. Pure. */
export function parseSsEstablished(text: string): SsConnection[] {
  const out: SsConnection[] = [];
  for (const line of text.split('\n')) {
    // Recv-Q Send-Q Local Peer [timer:(…)] ino:N sk:… …
    const fields = line.trim().split(/\s+/);
    const peer = fields[3];
    const inode = /(?:^|\s)ino:(\d+)(?:\s|$)/.exec(line)?.[1];
    if (peer === undefined || inode === undefined || inode === '0') continue;
    out.push({ peer, inode: Number(inode) });
  }
  return out;
}

/** The inode of a `/proc/PID/fd/N` link to a socket ("socket:[12345]"), else undefined. Pure. */
export function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? undefined : Number(match[1]);
}

export interface Share {
  /** Distinct connections seen per worker pid, busiest first. */
  readonly counts: readonly { readonly pid: number; readonly connections: number }[];
  readonly total: number;
  /** The busiest worker's share of all connections seen, in percent (undefined: none seen). */
  readonly busiestPercent?: number;
}

/** Counts per worker (every worker listed, also one that got nothing), busiest first. Pure. */
export function summarizeShare(seen: ReadonlyMap<number, ReadonlySet<string>>): Share {
  const counts = [...seen.entries()]
    .map(([pid, set]) => ({ pid, connections: set.size }))
    .sort((a, b) => b.connections - a.connections || a.pid - b.pid);
  const total = counts.reduce((sum, c) => sum + c.connections, 0);
  const top = counts[0];
  return total === 0 || top === undefined
    ? { counts, total }
    : { counts, total, busiestPercent: (100 * top.connections) / total };
}

/** The busiest process's share of the CPU time the processes spent, in percent. Pure. */
export function busiestCpuPercent(spent: readonly number[]): number | undefined {
  const total = spent.reduce((sum, s) => sum + s, 0);
  return total > 0 ? (100 * Math.max(...spent)) / total : undefined;
}

function ownerOfInodes(pids: readonly number[]): Map<number, number> {
  const owner = new Map<number, number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      try {
        const inode = socketInode(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (inode !== undefined) owner.set(inode, pid);
      } catch {
        // closed between the listing and the link
      }
    }
  }
  return owner;
}

function established(port: number): Promise<SsConnection[]> {
  return new Promise((resolve) => {
    execFile(
      'ss',
      ['-tneH', 'state', 'established', `( sport = :${port} )`],
      { timeout: 5000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => resolve(err === null ? parseSsEstablished(stdout) : []),
    );
  });
}

export interface ShareSampler {
  /** Stops sampling (after the sample in progress) and returns what was seen. */
  stop(): Promise<Share>;
}

/** Samples until stopped; `workers` are the processes that accept (for a cluster: not its primary). */
export function sampleShare(port: number, workers: readonly number[], intervalMs = 200): ShareSampler {
  const seen = new Map<number, Set<string>>(workers.map((pid) => [pid, new Set<string>()]));
  let stopped = false;
  const loop = (async () => {
    // Bounded by the stop flag, which every run sets in a finally.
    while (!stopped) {
      // The fds are read before and after ss: a connection ss lists was open at one of the two
      // readings unless it was accepted and closed within ss's own run (a few ms).
      const before = ownerOfInodes(workers);
      const connections = await established(port);
      const after = ownerOfInodes(workers);
      for (const { peer, inode } of connections) {
        const pid = before.get(inode) ?? after.get(inode);
        if (pid !== undefined) seen.get(pid)?.add(`${peer} ${inode}`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return summarizeShare(seen);
    },
  };
}
