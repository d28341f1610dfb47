// Every subcommand: its name, a one-paragraph summary for `tlsterm --help`, and its runner. A
// runner gets the arguments after the command name, parses its own options (node:util parseArgs)
// and returns the exit status. Long help lives with the command (`tlsterm CMD --help`).
import { certCommand } from './cert.ts';
import { checkCommand } from './check.ts';
import { decryptCommand } from './decrypt.ts';
import { probeCommand } from './probe.ts';
import { reloadCommand } from './reload.ts';
import { serveCommand } from './serve.ts';
import { traceCommand } from './trace.ts';

export type { Command } from './command.ts';

import type { Command } from './command.ts';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  reloadCommand,
  checkCommand,
  certCommand,
  probeCommand,
  traceCommand,
  decryptCommand,
];
