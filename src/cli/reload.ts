import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { checkConfigFile, defaultStateDir, formatProblems, hasErrors } from '../config/index.ts';
import { requestReload } from '../serve/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const RELOAD_OPTIONS = `  -c, --config FILE     check this config first (refuse to reload on errors), use its state_dir,
                        and reload the instance serving this file (its pid file is keyed by it)
  --state-dir DIR       the running instance's state directory (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm), where it keeps tlsterm-*.pid
  --timeout SECONDS     how long to wait for the outcome (default 60)

Exit 0 when the new generation serves; 1 with the reason on stderr when the reload failed (config
errors, a port taken, workers that did not start: the old config keeps serving), the instance
cannot be found, or no outcome came in time.
`;

export const reloadCommand: Command = {
  name: 'reload',
  usage: 'reload [-c FILE] [--state-dir DIR] [--timeout SECONDS]',
  summary: `Reload a running \`tlsterm serve\` (sends it SIGHUP) and wait for the outcome: new workers start
on the config as it is now, the old ones finish their connections, and a config with errors is
refused while the old one keeps serving. With -c the config is checked here first and its errors
are printed.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(reloadCommand, RELOAD_OPTIONS));
      return 0;
    }
    const timeout = Number(values.timeout ?? '60');
    if (!Number.isFinite(timeout) || timeout <= 0) {
      process.stderr.write(`tlsterm: --timeout ${values.timeout}: give a number of seconds above 0\n`);
      return 1;
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
    const outcome = await requestReload({
      stateDir: stateDir ?? defaultStateDir(),
      configFile: values.config,
      timeoutMs: timeout * 1000,
    });
    if (!outcome.ok) {
      process.stderr.write(`tlsterm: ${outcome.why}\nhint: ${outcome.hint}\n`);
      return 1;
    }
    process.stdout.write(`tlsterm: reloaded: generation ${outcome.generation} serves (pid ${outcome.pid})\n`);
    return 0;
  },
};
