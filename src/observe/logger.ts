// JSON lines on stdout. One line per call; callers never pass secrets (keys, TLS secrets).

export type Logger = (event: Record<string, unknown>) => void;

export function createJsonLogger(write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (event) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  };
}
