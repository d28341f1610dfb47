// systemd readiness (Type=notify): READY=1 once every worker listens, RELOADING=1 (with
// MONOTONIC_USEC) then READY=1 around a reload, STOPPING=1 on stop, and STATUS= lines. The protocol
// is one AF_UNIX datagram to $NOTIFY_SOCKET; Node has no unix datagram socket (node:dgram is UDP
// only, node:net stream only), so the message goes through systemd's own `systemd-notify`, which
// also waits until systemd has read it (a barrier), so no message is lost when it exits. The unit
// needs NotifyAccess=all (the sender is that child, in the unit's cgroup). Without NOTIFY_SOCKET
// nothing runs.

import { spawn } from 'node:child_process';
import process from 'node:process';
import type { Logger } from '../observe/index.ts';

export interface Notifier {
  /** Send `KEY=VALUE` assignments; resolves when sent (or failed: logged once, never thrown). */
  send(fields: Readonly<Record<string, string>>): Promise<void>;
}

const NONE: Notifier = { send: async () => {} };

/** µs of CLOCK_MONOTONIC, as RELOADING=1 wants it (Node's hrtime is that clock on Linux). */
export const monotonicUsec = (): string => String(process.hrtime.bigint() / 1000n);

export function systemdNotifier(env: NodeJS.ProcessEnv, log: Logger, command = 'systemd-notify'): Notifier {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return NONE;
  let chain = Promise.resolve();
  let warned = false;
  const one = (fields: Readonly<Record<string, string>>) =>
    new Promise<void>((resolve) => {
      // Values are single-line by the protocol.
      const args = Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`);
      const child = spawn(command, args, { stdio: 'ignore', env: { ...env, NOTIFY_SOCKET: socket } });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const fail = (why: string) => {
        if (!warned) log({ event: 'systemd_notify_failed', level: 'warning', detail: `${command}: ${why}` });
        warned = true;
      };
      child.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0 && code !== null) fail(`exit ${code}`);
        resolve();
      });
    });
  return {
    // In order: a READY=1 must not overtake the RELOADING=1 before it.
    send(fields) {
      chain = chain.then(() => one(fields));
      return chain;
    },
  };
}
