// Running wrk and reading its summary. The parser is pure so it can be tested on captured output.
import { execFile } from 'node:child_process';

export interface WrkSummary {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** connect + read + write + timeout socket errors. */
  readonly socketErrors: number;
  readonly non2xx: number;
}

export type WrkParse = { ok: true; value: WrkSummary } | { ok: false; error: string };

const unitSeconds: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

export function parseWrkOutput(text: string): WrkParse {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(text);
  if (total === null) return { ok: false, error: 'no "N requests in T" line in wrk output' };
  const requests = Number(total[1]);
  const seconds = Number(total[2]) * (unitSeconds[total[3] ?? 's'] ?? 1);
  if (!(seconds > 0)) return { ok: false, error: `wrk reported a duration of ${total[2]}${total[3]}` };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = errors === null ? 0 : errors.slice(1).reduce((sum, n) => sum + Number(n), 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return {
    ok: true,
    value: { requests, seconds, requestsPerSecond: requests / seconds, socketErrors, non2xx },
  };
}

export interface WrkOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** wrk threads (default 1). */
  readonly threads?: number;
  readonly headers?: readonly string[];
}

export function runWrk(options: WrkOptions): Promise<WrkParse> {
  const args = [
    `-t${options.threads ?? 1}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '5s',
  ];
  for (const header of options.headers ?? []) args.push('-H', header);
  args.push(options.url);
  return new Promise((resolve) => {
    // wrk stops itself after -d; the timeout only catches a wedged run.
    execFile('wrk', args, { timeout: (options.seconds + 15) * 1000 }, (err, stdout, stderr) => {
      if (err !== null) {
        resolve({ ok: false, error: `wrk failed: ${err.message}${stderr === '' ? '' : `\n${stderr}`}` });
        return;
      }
      resolve(parseWrkOutput(stdout));
    });
  });
}
