// Where challenge answers wait for the CA's validation request. The certificate manager writes them;
// whoever answers port 80 (HTTP-01) or the acme-tls/1 handshake (TLS-ALPN-01) reads them. The two
// may be different processes, or different hosts behind one balancer (then the store is shared:
// files on a shared directory, or Redis — SET key value PX ttl / GET / DEL map one to one).

import fs from 'node:fs/promises';
import path from 'node:path';
import { fileNameFor, writeFileAtomic } from './files.ts';

export interface ChallengeStore {
  /** Publish `value` under `key` for `ttlMs` (a crashed manager's entries expire by themselves). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The live value, or undefined (missing or expired). Never throws. */
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

const MAX_KEY = 300;

/** In one process (tests, or manager and data plane together). */
export function createMemoryChallengeStore(now: () => number = Date.now): ChallengeStore {
  const entries = new Map<string, { value: string; expires: number }>();
  return {
    async set(key, value, ttlMs) {
      entries.set(key, { value, expires: now() + ttlMs });
    },
    async get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

/** One 0600 JSON file per entry in `dir` (state_dir/acme/challenges), written atomically. */
export function createFileChallengeStore(dir: string, now: () => number = Date.now): ChallengeStore {
  const fileOf = (key: string): string | undefined =>
    key.length === 0 || key.length > MAX_KEY ? undefined : path.join(dir, `${fileNameFor(key)}.json`);
  return {
    async set(key, value, ttlMs) {
      const file = fileOf(key);
      if (!file) throw new Error(`challenge key of ${key.length} characters`);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, JSON.stringify({ value, expires: now() + ttlMs }), 0o600);
    },
    async get(key) {
      const file = fileOf(key);
      if (!file) return undefined;
      try {
        const entry = JSON.parse(await fs.readFile(file, 'utf8')) as { value?: unknown; expires?: unknown };
        if (typeof entry.value !== 'string' || typeof entry.expires !== 'number') return undefined;
        if (entry.expires <= now()) {
          await fs.rm(file, { force: true }).catch(() => {});
          return undefined;
        }
        return entry.value;
      } catch {
        return undefined;
      }
    },
    async delete(key) {
      const file = fileOf(key);
      if (file) await fs.rm(file, { force: true });
    },
  };
}
