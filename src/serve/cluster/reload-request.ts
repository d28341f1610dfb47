// `tlsterm reload`'s library side: find the instance, signal it, and wait for the outcome in its
// status file (bounded). Exit 0 only means the new generation serves.

import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkProcess, findInstance } from './find-instance.ts';
import { readStatus } from './instance-status.ts';

export interface ReloadRequest {
  readonly stateDir: string;
  readonly configFile: string | undefined;
  /** How long to wait for the outcome; default 60 s. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export type ReloadRequestOutcome =
  | { readonly ok: true; readonly pid: number; readonly generation: number }
  | { readonly ok: false; readonly why: string; readonly hint: string; readonly pid?: number };

export async function requestReload(request: ReloadRequest): Promise<ReloadRequestOutcome> {
  const timeoutMs = request.timeoutMs ?? 60_000;
  const found = await findInstance(request.stateDir, request.configFile);
  if (!found.ok) return found;
  const { pid, statusFile } = found;
  const before = await readStatus(statusFile);
  // A status of an earlier process (same config, restarted) does not count.
  const seqBefore = before?.pid === pid ? (before.last_reload?.seq ?? 0) : 0;
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      pid,
      why: `cannot signal pid ${pid}: ${code}`,
      hint: 'run as the user that runs tlsterm',
    };
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(request.pollMs ?? 100);
    const now = await readStatus(statusFile);
    const last = now?.pid === pid ? now.last_reload : undefined;
    if (last !== undefined && last.seq > seqBefore) {
      if (last.ok) return { ok: true, pid, generation: last.generation };
      return {
        ok: false,
        pid,
        why: `reload failed (${last.reason ?? 'unknown'}): ${last.detail ?? ''}`.trimEnd(),
        hint: `generation ${last.generation} keeps serving the old config; fix the cause and reload again`,
      };
    }
    if ((await checkProcess(pid)).state !== 'tlsterm')
      return { ok: false, pid, why: `tlsterm (pid ${pid}) exited during the reload`, hint: 'see its log' };
  }
  return {
    ok: false,
    pid,
    why: `no reload outcome from pid ${pid} within ${Math.round(timeoutMs / 1000)} s`,
    hint: 'it may still be starting workers; see its log ("reloaded" or "reload_failed"), or give a longer --timeout',
  };
}
