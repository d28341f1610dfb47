import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { checkConfigFile, formatProblems, hasErrors } from '../config/index.ts';
import { Errors, TlstermError } from '../errors.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

export const checkCommand: Command = {
  name: 'check',
  usage: 'check -c FILE',
  summary: `Validate a config: schema, certificate files, key/certificate match, chain order, missing
intermediates, expiry, SAN coverage of hosts, weak keys, policy that can negotiate nothing.
Exit 0 when all is well (warnings allowed), 1 otherwise.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(commandHelp(checkCommand, '  -c, --config FILE     the YAML config to check\n'));
      return 0;
    }
    if (!values.config)
      throw new TlstermError(Errors.usage('check needs -c FILE', 'run `tlsterm check -c tlsterm.yaml`'));
    return await runCheck(values.config);
  },
};

export async function runCheck(file: string): Promise<number> {
  const { problems } = await checkConfigFile(file);
  if (problems.length > 0) process.stdout.write(`${formatProblems(problems, file)}\n`);
  if (hasErrors(problems)) return 1;
  process.stdout.write(`${file}: OK\n`);
  return 0;
}
