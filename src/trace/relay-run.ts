// `tlsterm trace --listen --to`: run the relay until `count` connections ended (or a stop signal), and
// report each session as it ends: text and JSON one session at a time, HTML as one page rewritten.
import { startTraceRelay } from './relay.ts';
import { renderReport, type TraceFormat } from './render.ts';
import { renderSessionText } from './render-text.ts';
import { reportOutput } from './report-output.ts';
import type { TraceSession } from './types.ts';

export interface RelayRunOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly toHost: string;
  readonly toPort: number;
  readonly keyLogFile?: string | undefined;
  /** Stop after this many connections (default: until stopped). */
  readonly count?: number | undefined;
  readonly format: TraceFormat;
  /** A file (0600) instead of stdout. */
  readonly output?: string | undefined;
  /** Resolves when the run should end early (SIGINT/SIGTERM in the CLI). */
  readonly stopSignal?: Promise<void>;
  /** Called once the relay listens, with the address it took. */
  readonly onListening?: (host: string, port: number) => void;
}

/** Resolves to the exit status: 0 when every session decrypted, 2 otherwise. */
export async function runTraceRelay(options: RelayRunOptions): Promise<number> {
  const { format } = options;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const out = reportOutput(options.output);
  const sessions: TraceSession[] = [];
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  void options.stopSignal?.then(() => stop());
  const relay = await startTraceRelay({
    listenHost: options.listenHost,
    listenPort: options.listenPort,
    toHost: options.toHost,
    toPort: options.toPort,
    ...(options.keyLogFile !== undefined ? { keyLogFile: options.keyLogFile } : {}),
    onSession(session) {
      sessions.push(session);
      if (format === 'html') {
        if (options.output !== undefined)
          out.replace(renderReport({ sessions }, 'html', 'tlsterm trace relay'));
      } else if (format === 'json') out.append(`${JSON.stringify({ sessions: [session] })}\n`);
      else out.append(`${renderSessionText(session)}\n\n`);
      if (sessions.length >= count) stop();
    },
  });
  options.onListening?.(relay.host, relay.port);
  await stopped;
  await relay.close();
  // HTML to stdout: one page at the end.
  if (format === 'html' && options.output === undefined)
    out.replace(renderReport({ sessions }, 'html', 'tlsterm trace relay'));
  await out.close();
  return sessions.every((s) => s.decrypted) ? 0 : 2;
}
