import { parseArgs } from 'node:util';
import { checkConfigFile, defaultStateDir, formatProblems, hasErrors } from '../config/index.ts';
import { signalInstance } from '../serve/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const RELOAD_OPTIONS = `  -c, --config FILE     check this config first (refuse to reload on errors) and use its state_dir
  --state-dir DIR       the running instance's state directory (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm), where it keeps tlsterm.pid
`;

export const reloadCommand: Command = {
  name: 'reload',
  usage: 'reload [-c FILE] [--state-dir DIR]',
  summary: `Reload a running \`tlsterm serve\` (sends it SIGHUP): new workers start on the config as it is now,
the old ones finish their connections, and a config with errors is refused while the old one
keeps serving. With -c the config is checked here first and its errors are printed.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(reloadCommand, RELOAD_OPTIONS));
      return 0;
    }
    let stateDir = values['state-dir'];
    if (values.config !== undefined) {
      const { plan, problems } = await checkConfigFile(values.config);
      if (problems.length > 0) process.stderr.write(`${formatProblems(problems, values.config)}\n`);
      if (hasErrors(problems) || plan === undefined) {
        process.stderr.write(
          'tlsterm: not reloading: fix the errors above; the running config keeps serving\n',
        );
        return 1;
      }
      stateDir ??= plan.stateDir;
    }
    const outcome = await signalInstance(stateDir ?? defaultStateDir(), 'SIGHUP');
    if (!outcome.ok) {
      process.stderr.write(`tlsterm: ${outcome.why}\nhint: ${outcome.hint}\n`);
      return 1;
    }
    process.stdout.write(
      `tlsterm: reload requested (SIGHUP to pid ${outcome.pid}); watch its log for "reloaded"\n`,
    );
    return 0;
  },
};
