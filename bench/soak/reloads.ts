// `tlsterm reload -c FILE` every `everyMs` while the load runs, as an operator's deploy would.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/tlsterm-config.ts';

export interface Reloads {
  counts(): { ok: number; failed: number };
  /** One reload now (e.g. after the config was rewritten); resolves with its success. */
  now(): Promise<boolean>;
  stop(): void;
}

export function reloadOnce(configPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'tlsterm'), 'reload', '-c', configPath],
      // reload waits for the outcome (its own --timeout, 60 s, bounds it): ok means the new generation serves.
      { timeout: 90_000 },
      (error) => resolve(error === null),
    );
  });
}

export function startReloads(configPath: string, everyMs: number): Reloads {
  let ok = 0;
  let failed = 0;
  const now = async (): Promise<boolean> => {
    const done = await reloadOnce(configPath);
    if (done) ok += 1;
    else failed += 1;
    return done;
  };
  const timer = setInterval(() => void now(), everyMs);
  return {
    counts: () => ({ ok, failed }),
    now,
    stop: () => clearInterval(timer),
  };
}
