import type { Command } from './command.ts';

export function helpText(commands: readonly Command[]): string {
  const lines = ['tlsterm — TLS termination proxy and TLS diagnostics', '', 'Usage:'];
  for (const c of commands) {
    lines.push(`  tlsterm ${c.usage}`);
    for (const l of c.summary.trimEnd().split('\n')) lines.push(`      ${l}`);
  }
  lines.push(
    '',
    '  tlsterm COMMAND --help   options of one command',
    '  tlsterm --version        print the version',
    '',
  );
  return lines.join('\n');
}

/** One command's --help: its usage line, summary and option table. */
export function commandHelp(c: { usage: string; summary: string }, options: string): string {
  return `Usage: tlsterm ${c.usage}\n\n${c.summary.trimEnd()}\n\nOptions:\n${options.trimEnd()}\n  -h, --help            this text\n`;
}
