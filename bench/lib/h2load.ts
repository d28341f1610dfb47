// Running h2load (nghttp2's HTTP/2 load generator, C and OpenSSL) and reading its summary. The parser
// is pure so it can be tested on captured output. h2load falls back to HTTP/1.1 when the server does
// not pick h2 by ALPN; the parse refuses that, so HTTP/1.1 figures are never reported as HTTP/2.
import { execFile } from 'node:child_process';

export interface H2loadSummary {
  /** The protocol ALPN negotiated ("h2"); a run that negotiated anything else is refused. */
  readonly protocol: string;
  /** Requests answered (any status), and those with a 2xx status. */
  readonly done: number;
  readonly succeeded: number;
  readonly seconds: number;
  /** 2xx responses per second over h2load's measured duration (its own figure). */
  readonly requestsPerSecond: number;
  /** Requests without a response: reset streams, closed connections, timeouts. */
  readonly failed: number;
  /** Answered with a status outside 2xx. */
  readonly non2xx: number;
  /** "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519", as h2load prints it. */
  readonly tls?: string;
}

export type H2loadParse = { ok: true; value: H2loadSummary } | { ok: false; error: string };

const unitSeconds: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Reads h2load's summary. The protocol must be `expected` (h2 by default). */
export function parseH2loadOutput(text: string, expected = 'h2'): H2loadParse {
  // h2load prints the line once per thread, after its first connection's handshake; offered only h2,
  // it does not print it (and sends nothing) when the server picks no protocol.
  const protocol = /^Application protocol: (\S+)$/m.exec(text)?.[1];
  if (protocol === undefined)
    return { ok: false, error: `h2load: the server did not negotiate ${expected} by ALPN (no request sent)` };
  if (protocol !== expected)
    return { ok: false, error: `h2load: the server chose ${protocol} by ALPN, not ${expected}` };
  const finished = /^finished in ([\d.]+)(us|ms|s|m|h), ([\d.]+) req\/s,/m.exec(text);
  const requests =
    /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout$/m.exec(
      text,
    );
  const codes = /^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx$/m.exec(text);
  if (finished === null || requests === null || codes === null)
    return { ok: false, error: 'h2load: no "finished in", "requests:" or "status codes:" line' };
  const seconds = Number(finished[1]) * (unitSeconds[finished[2] ?? 's'] ?? 1);
  if (!(seconds > 0))
    return { ok: false, error: `h2load reported a duration of ${finished[1]}${finished[2]}` };
  const done = Number(requests[3]);
  const succeeded = Number(requests[4]);
  // h2load's own rate (over its exact duration; "finished in" is rounded to 10 ms), 2xx only.
  const requestsPerSecond = done > 0 ? (Number(finished[3]) * succeeded) / done : 0;
  const non2xx = Number(codes[2]) + Number(codes[3]) + Number(codes[4]);
  // h2load's "failed" counts non-2xx answers too; what is left had no answer at all.
  const failed = Math.max(0, Number(requests[5]) - non2xx);
  const version = /^TLS Protocol: (\S+)$/m.exec(text)?.[1];
  const cipher = /^Cipher: (\S+)$/m.exec(text)?.[1];
  const group = /^Server Temp Key: (\S+)/m.exec(text)?.[1];
  const tls = [version, cipher, group].filter((p) => p !== undefined).join(' ');
  return {
    ok: true,
    value: {
      protocol,
      done,
      succeeded,
      seconds,
      requestsPerSecond,
      failed,
      non2xx,
      ...(tls === '' ? {} : { tls }),
    },
  };
}

export interface H2loadOptions {
  readonly url: string;
  /** Sent as :authority (h2load sends no SNI for an IP literal: every server answers with its default site). */
  readonly authority: string;
  readonly connections: number;
  /** Concurrent streams per connection. */
  readonly streams: number;
  /** Timed run (-D); h2load stops by itself, and the process is killed 15 s past it if it does not. */
  readonly seconds: number;
}

export function h2loadArgs(options: H2loadOptions): string[] {
  return [
    '--npn-list=h2',
    '-t1',
    `-c${options.connections}`,
    `-m${options.streams}`,
    `-D${options.seconds}`,
    '-H',
    `:authority: ${options.authority}`,
    options.url,
  ];
}

export function runH2load(options: H2loadOptions): Promise<H2loadParse> {
  return new Promise((resolve) => {
    execFile(
      'h2load',
      h2loadArgs(options),
      { timeout: (options.seconds + 15) * 1000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null) {
          resolve({
            ok: false,
            error: `h2load failed: ${err.message}${stderr === '' ? '' : `\n${stderr}`}`,
          });
          return;
        }
        resolve(parseH2loadOutput(stdout));
      },
    );
  });
}
