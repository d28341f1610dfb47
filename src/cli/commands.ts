// Every subcommand: its name, a one-paragraph summary for `tlsterm --help`, and its runner. A
// runner gets the arguments after the command name, parses its own options (node:util parseArgs)
// and returns the exit status. Long help lives with the command (`tlsterm CMD --help`).
//
// The registry holds loaders, not modules: a start-up imports the one command it runs (probe
// does not pay for serve's ACME client, Redis client and certificate issuer). `--help` loads all.

export type { Command } from './command.ts';

import type { Command } from './command.ts';

export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', load: async () => (await import('./serve.ts')).serveCommand },
  { name: 'reload', load: async () => (await import('./reload.ts')).reloadCommand },
  { name: 'check', load: async () => (await import('./check.ts')).checkCommand },
  { name: 'cert', load: async () => (await import('./cert.ts')).certCommand },
  { name: 'probe', load: async () => (await import('./probe.ts')).probeCommand },
  { name: 'trace', load: async () => (await import('./trace.ts')).traceCommand },
  { name: 'decrypt', load: async () => (await import('./decrypt.ts')).decryptCommand },
  { name: 'doctor', load: async () => (await import('./doctor.ts')).doctorCommand },
];

/** Every command, loaded (for the overview help). */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((c) => c.load()));
}
