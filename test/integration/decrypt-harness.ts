// Shared by the decrypt suites: dumpcap on the loopback interface around real openssl peers, a
// packet dropped with editcap, and `tlsterm decrypt` run as a user runs it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { stopChild, waitForPort } from '../helpers/net.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/tlsterm', import.meta.url).pathname;

/** Why captures cannot be made here, or false. */
export async function cannotCapture(): Promise<string | false> {
  for (const tool of ['/usr/bin/dumpcap', '/usr/bin/editcap', '/usr/bin/tshark'])
    if (!fs.existsSync(tool)) return `${tool} is not installed`;
  try {
    const { stdout } = await run('/usr/bin/dumpcap', ['-D']);
    if (!/\blo\b/.test(stdout)) return 'dumpcap sees no loopback interface';
  } catch (error) {
    return `dumpcap cannot list interfaces here: ${(error as Error).message.split('\n')[0]}`;
  }
  return false;
}

export async function tlsterm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `openssl s_server` on 127.0.0.1:port; its stdin stays open (without -www it would quit on EOF). */
export async function opensslServer(
  port: number,
  args: readonly string[],
  cwd?: string,
): Promise<ChildProcess> {
  const child = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, ...args], {
    stdio: ['pipe', 'ignore', 'ignore'],
    ...(cwd !== undefined ? { cwd } : {}),
  });
  if (!(await waitForPort(port, 100, 100))) {
    await stopChild(child);
    throw new Error(`openssl s_server did not listen on ${port}`);
  }
  return child;
}

/**
 * `openssl s_client`: writes each input `afterMs` after the previous one (its stdout is buffered
 * when not a terminal, so waiting on what it prints does not work), then closes stdin; resolves
 * with everything it printed once it exits. Killed after `timeoutMs`.
 */
export function opensslClient(
  args: readonly string[],
  steps: readonly { afterMs: number; input: string }[],
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => {});
    const timers: NodeJS.Timeout[] = [];
    let at = 0;
    for (const step of steps) {
      at += step.afterMs;
      timers.push(setTimeout(() => child.stdin.write(step.input), at));
    }
    timers.push(setTimeout(() => child.stdin.end(), at + 800));
    child.once('exit', () => {
      clearTimeout(timer);
      for (const t of timers) clearTimeout(t);
      resolve(out);
    });
  });
}

/** Captures loopback traffic to `port` while `drive` runs; returns the pcapng path. */
export async function capture(
  file: string,
  port: number,
  drive: () => Promise<void>,
  options: { snaplen?: number } = {},
): Promise<string> {
  const args = ['-q', '-i', 'lo', '-f', `tcp port ${port}`, '-w', file];
  if (options.snaplen !== undefined) args.push('-s', String(options.snaplen));
  const dumpcap = spawn('/usr/bin/dumpcap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${stderr}`)), 15_000);
      dumpcap.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/Capturing on/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // "Capturing on" comes before packets do: knock on the port until the file shows them.
    const size = (): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
    const start = Math.max(size(), 1);
    for (let i = 0; i < 100 && size() <= start; i++) {
      await new Promise<void>((resolve) => {
        // s_server may keep a half-closed socket: the probe does not wait for it.
        const probe = net.connect(port, '127.0.0.1', () => probe.end());
        const timer = setTimeout(() => probe.destroy(), 300);
        probe.on('error', () => resolve());
        probe.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 100));
    }
    await drive();
    await new Promise((r) => setTimeout(r, 500)); // let the last packets reach the file
  } finally {
    dumpcap.kill('SIGINT');
    const exited = new Promise((resolve) => dumpcap.once('exit', resolve));
    const timer = setTimeout(() => dumpcap.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  return file;
}

/** Frame numbers (from 1) that tshark's display filter matches. */
export async function frames(file: string, filter: string, keylog?: string): Promise<number[]> {
  const args = ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'];
  if (keylog !== undefined) args.push('-o', `tls.keylog_file:${keylog}`);
  const { stdout } = await run('/usr/bin/tshark', args);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

/** The capture without the given frames (editcap). */
export async function dropFrames(file: string, out: string, numbers: readonly number[]): Promise<string> {
  await run('/usr/bin/editcap', [file, out, ...numbers.map(String)]);
  return out;
}
