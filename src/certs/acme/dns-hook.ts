// DNS-01 through the user's hook: `HOOK set FQDN VALUE` publishes the TXT record
// (FQDN = _acme-challenge.<name>, VALUE = base64url(SHA-256(key authorization))) and returns once it
// is visible to the CA; `HOOK clear FQDN VALUE` removes it. Bounded in time; on failure the error
// carries the exit status and the tail of what the hook printed.

import { execFile } from 'node:child_process';
import process from 'node:process';

export interface DnsHookOptions {
  /** Default 3 minutes (a hook may wait for DNS propagation). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export class DnsHookError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = 'DnsHookError';
    this.output = output;
  }
}

const TAIL = 2000;
const tail = (s: string): string => (s.length > TAIL ? `…${s.slice(-TAIL)}` : s);

export const dnsChallengeName = (identifier: string): string =>
  `_acme-challenge.${identifier.replace(/^\*\./, '').replace(/\.$/, '')}`;

export function runDnsHook(
  hook: string,
  action: 'set' | 'clear',
  fqdn: string,
  value: string,
  opts: DnsHookOptions = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    execFile(
      hook,
      [action, fqdn, value],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024, env: opts.env ?? process.env },
      (error, stdout, stderr) => {
        if (!error) {
          resolve();
          return;
        }
        const output = tail(`${stdout}${stderr}`.trim());
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const why = e.killed
          ? `timed out after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`
          : typeof e.code === 'number'
            ? `exited with status ${e.code}`
            : e.code === 'ENOENT'
              ? 'not found'
              : e.code === 'EACCES'
                ? 'not executable'
                : (e.message ?? 'failed');
        reject(
          new DnsHookError(`DNS hook ${hook} ${action} ${fqdn} ${why}${output ? `: ${output}` : ''}`, output),
        );
      },
    );
  });
}
