// "Only one instance orders a name at a time, with expiry." A lock is a name, a random token that
// proves ownership, and an expiry after which anyone may take it (so a crashed holder blocks no one
// for long). Backends: memory (one process), files (one host, or a shared directory), and — later —
// Redis: acquire = SET name token NX PX ttl; extend and release = compare the token, then PEXPIRE / DEL
// (a short Lua script each).

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { createFileExclusive, fileNameFor, readTextIfExists, tempName, writeFileAtomic } from './files.ts';

export interface Lock {
  readonly name: string;
  /** Random; only the holder knows it. */
  readonly token: string;
  /** host/pid, for "held by …" in logs. */
  readonly owner: string;
  readonly expiresAt: Date;
}

export interface LockStore {
  /** Take `name` for `ttlMs`; undefined while someone else holds a lock that has not expired. */
  acquire(name: string, ttlMs: number): Promise<Lock | undefined>;
  /** Push the expiry out; undefined when the lock was lost (it expired and someone took it). */
  extend(lock: Lock, ttlMs: number): Promise<Lock | undefined>;
  /** Give it up if still held by this token; a lost lock is left alone. */
  release(lock: Lock): Promise<void>;
  /** The live holder of `name`, for logs. */
  holder(name: string): Promise<{ owner: string; expiresAt: Date } | undefined>;
}

export const lockOwner = (): string => `${os.hostname()}/${process.pid}`;
const newToken = (): string => crypto.randomBytes(16).toString('hex');

export function createMemoryLockStore(now: () => number = Date.now): LockStore {
  const locks = new Map<string, Lock>();
  const live = (name: string): Lock | undefined => {
    const l = locks.get(name);
    return l && l.expiresAt.getTime() > now() ? l : undefined;
  };
  return {
    async acquire(name, ttlMs) {
      if (live(name)) return undefined;
      const lock = { name, token: newToken(), owner: lockOwner(), expiresAt: new Date(now() + ttlMs) };
      locks.set(name, lock);
      return lock;
    },
    async extend(lock, ttlMs) {
      if (live(lock.name)?.token !== lock.token) return undefined;
      const next = { ...lock, expiresAt: new Date(now() + ttlMs) };
      locks.set(lock.name, next);
      return next;
    },
    async release(lock) {
      if (locks.get(lock.name)?.token === lock.token) locks.delete(lock.name);
    },
    async holder(name) {
      const l = live(name);
      return l ? { owner: l.owner, expiresAt: l.expiresAt } : undefined;
    },
  };
}

interface LockFile {
  readonly token: string;
  readonly owner: string;
  readonly expires: number;
}

function parseLockFile(text: string | undefined): LockFile | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as Partial<LockFile>;
    if (typeof o.token === 'string' && typeof o.owner === 'string' && typeof o.expires === 'number')
      return { token: o.token, owner: o.owner, expires: o.expires };
  } catch {
    // Garbage in a lock file is treated as an expired lock.
  }
  return undefined;
}

/**
 * Lock files in `dir` (state_dir/acme/locks). Creation is a hard link of a complete temp file, which
 * fails if the lock exists: atomic on local filesystems and on NFSv3+. An expired lock is taken over by
 * renaming it aside and checking that what was moved is the stale lock that was read (if another
 * instance replaced it in between, the fresh lock is put back and this attempt fails).
 */
export function createFileLockStore(dir: string, now: () => number = Date.now): LockStore {
  const fileOf = (name: string): string => path.join(dir, `${fileNameFor(name)}.lock`);

  const tryCreate = (file: string, body: LockFile): Promise<boolean> =>
    createFileExclusive(file, JSON.stringify(body));

  const takeOverStale = async (file: string, staleText: string): Promise<boolean> => {
    const aside = tempName(file);
    try {
      await fs.rename(file, aside);
    } catch {
      return false; // someone else moved it first
    }
    const moved = await readTextIfExists(aside);
    if (moved === staleText) {
      await fs.rm(aside, { force: true });
      return true;
    }
    // We moved a fresh lock: put it back unless yet another one appeared meanwhile.
    await fs.link(aside, file).catch(() => {});
    await fs.rm(aside, { force: true });
    return false;
  };

  return {
    async acquire(name, ttlMs) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = fileOf(name);
      const body: LockFile = { token: newToken(), owner: lockOwner(), expires: now() + ttlMs };
      const lock: Lock = { name, token: body.token, owner: body.owner, expiresAt: new Date(body.expires) };
      if (await tryCreate(file, body)) return lock;
      const text = await readTextIfExists(file);
      if (text === undefined) return (await tryCreate(file, body)) ? lock : undefined;
      const held = parseLockFile(text);
      if (held && held.expires > now()) return undefined;
      if (!(await takeOverStale(file, text))) return undefined;
      return (await tryCreate(file, body)) ? lock : undefined;
    },
    async extend(lock, ttlMs) {
      const file = fileOf(lock.name);
      const held = parseLockFile(await readTextIfExists(file));
      if (held?.token !== lock.token) return undefined;
      const expires = now() + ttlMs;
      await writeFileAtomic(file, JSON.stringify({ ...held, expires }), 0o600);
      return { ...lock, expiresAt: new Date(expires) };
    },
    async release(lock) {
      const file = fileOf(lock.name);
      const held = parseLockFile(await readTextIfExists(file));
      if (held?.token === lock.token) await fs.rm(file, { force: true });
    },
    async holder(name) {
      const held = parseLockFile(await readTextIfExists(fileOf(name)));
      return held && held.expires > now()
        ? { owner: held.owner, expiresAt: new Date(held.expires) }
        : undefined;
    },
  };
}
