// Where log lines go: stdout, in batches. A keep-alive request logs one line, and writing each on
// its own costs a write(2) per request (measured: 4–6% of a worker's CPU under load). Lines are
// gathered for the rest of the event-loop turn that produced them and written together, so none
// waits longer than that turn; a batch over `maxBytes` goes out at once, and whatever is pending
// when the process exits is written then (stdout to a file or a pipe is synchronous on Linux).
// Only a process killed outright (SIGKILL, OOM) can lose the lines of its last turn.

export type LineSink = (line: string) => void;

export interface Writer {
  write(text: string): unknown;
}

export interface BatchedSink {
  readonly write: LineSink;
  /** Write what is pending now. */
  flush(): void;
}

export function createBatchedSink(out: Writer, maxBytes = 64 * 1024): BatchedSink {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  const write = (line: string): void => {
    pending += line;
    if (pending.length >= maxBytes) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { write, flush };
}

let stdoutSink: BatchedSink | undefined;

/** The process's batched stdout, made once; it flushes when the process exits. */
export function stdoutLines(): LineSink {
  if (stdoutSink === undefined) {
    const sink = createBatchedSink(process.stdout);
    process.on('exit', sink.flush);
    stdoutSink = sink;
  }
  return stdoutSink.write;
}
