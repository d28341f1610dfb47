// Hot reload, the plumbing: watch a pair's directories (fs.watch on the configured directory and
// on the directory its symlinks point into, which covers in-place writes, rename-over and
// certbot's live/ → archive/ symlink swap), debounce, fingerprint, validate with load-pair, and
// call back with the new pair or the reasons it was refused. A poll compares fingerprints every
// 30 s as well, because fs.watch misses events on some filesystems (NFS, some container mounts).

import fs from 'node:fs';
import { type LoadPairOptions, loadCertificatePair } from '../load-pair.ts';
import type { CertificatePair } from '../pair.ts';
import { applyValidation, initialReloadState, needsValidation, type ReloadOutcome } from './decision.ts';
import { type PairSnapshot, readPairSnapshot, snapshotHolds } from './snapshot.ts';

export interface WatchPairOptions {
  readonly certPath: string;
  readonly keyPath: string;
  /** Hosts the pair must keep covering; a new certificate that drops one is refused. */
  readonly hosts?: readonly string[];
  /** Passed to load-pair (extraCa for private CAs, expiry warning days). */
  readonly load?: Omit<LoadPairOptions, 'now'>;
  /** The pair in service; when the files already differ from it, they are validated at once. */
  readonly current?: CertificatePair;
  /** Called once per new content: the new validated pair, or why it was refused. */
  readonly onChange: (outcome: ReloadOutcome) => void;
  /** Quiet time after the last event before reading; default 200 ms. */
  readonly debounceMs?: number;
  /** Before reporting a refusal, wait this long and look again (a writer may be mid-way); default 500 ms. */
  readonly settleMs?: number;
  /** Fingerprint poll; default 30 s; 0 turns it off. */
  readonly pollIntervalMs?: number;
  /** fs.watch the directories; default true. Off: the poll alone notices changes. */
  readonly useFsWatch?: boolean;
  /** Clock for validity checks, for tests. */
  readonly now?: () => Date;
}

export interface PairWatcher {
  /** Look at the files now (what an event or the poll does); resolves when done. */
  readonly check: () => Promise<void>;
  readonly close: () => void;
}

const MAX_ROUNDS = 5;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function watchCertificatePair(opts: WatchPairOptions): Promise<PairWatcher> {
  const debounceMs = opts.debounceMs ?? 200;
  const settleMs = opts.settleMs ?? 500;
  const pollMs = opts.pollIntervalMs ?? 30_000;
  const watchers = new Map<string, fs.FSWatcher>();
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;

  const first = await readPairSnapshot(opts.certPath, opts.keyPath);
  // Without a pair in service, what is on disk now is taken as what is served.
  let state = opts.current
    ? initialReloadState(
        snapshotHolds(first, opts.current) ? first.fingerprint : undefined,
        opts.current.serialNumber,
      )
    : initialReloadState(first.fingerprint);

  const schedule = (): void => {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      void check();
    }, debounceMs);
    debounce.unref();
  };

  const rearm = (snapshot: PairSnapshot): void => {
    const wanted = new Set(opts.useFsWatch === false ? [] : snapshot.directories);
    for (const [dir, w] of watchers) {
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, schedule);
        // A directory that disappears (renamed away) ends its watch; the poll re-arms it.
        w.on('error', () => {
          w.close();
          if (watchers.get(dir) === w) watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch {
        // Missing directory or no inotify: the poll covers it.
      }
    }
  };

  const validateOnce = async (): Promise<void> => {
    for (let round = 0; round < MAX_ROUNDS && !closed; round++) {
      const before = await readPairSnapshot(opts.certPath, opts.keyPath);
      if (closed) return;
      rearm(before);
      if (!needsValidation(state, before.fingerprint)) return;
      const result = await loadCertificatePair(opts.certPath, opts.keyPath, {
        ...opts.load,
        ...(opts.now ? { now: opts.now() } : {}),
      });
      let after = await readPairSnapshot(opts.certPath, opts.keyPath);
      // Changed while being read: what was validated is not what is there; look again.
      if (after.fingerprint !== before.fingerprint) continue;
      if (!result.pair && settleMs > 0) {
        // A refusal may be a writer half-way (truncated file, one link swapped of two): give it a moment.
        await sleep(settleMs);
        after = await readPairSnapshot(opts.certPath, opts.keyPath);
        if (after.fingerprint !== before.fingerprint) continue;
      }
      if (closed) return;
      const next = applyValidation(state, before.fingerprint, result, opts.hosts);
      state = next.state;
      opts.onChange(next.outcome);
      return;
    }
  };

  // One check at a time; a request during a check runs one more afterwards.
  let running: Promise<void> | undefined;
  let again = false;
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await validateOnce();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  rearm(first);
  const poll = pollMs > 0 ? setInterval(() => void check(), pollMs) : undefined;
  poll?.unref();
  if (needsValidation(state, first.fingerprint)) void check();

  return {
    check,
    close: () => {
      closed = true;
      if (debounce) clearTimeout(debounce);
      if (poll) clearInterval(poll);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
