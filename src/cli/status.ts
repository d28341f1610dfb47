import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { adminEndpoint } from '../config/index.ts';
import { askAdmin, formatInstanceStatus } from '../observe/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const OPTIONS = `  -c, --config FILE     ask the instance of this config (its admin: address and token)
  --admin URL           ask the admin API at URL (default: the config's, else http://127.0.0.1:9901);
                        the token comes from the config or TLSTERM_ADMIN_TOKEN
  --json                the API's JSON as it is
`;

export const statusCommand: Command = {
  name: 'status',
  usage: 'status [-c FILE] [--admin URL] [--json]',
  summary: `Show a running \`tlsterm serve\`: version, pid, uptime, generation, workers, listeners, the config
file and digest in service, and whether a key log is on, through its admin API (admin: in the
config). Exit 1 when no instance answers.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        admin: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(statusCommand, OPTIONS));
      return 0;
    }
    const found = await adminEndpoint({
      configFile: values.config,
      adminUrl: values.admin,
      env: process.env,
    });
    if (!found.ok) {
      process.stderr.write(`tlsterm: ${found.why}\n`);
      return 1;
    }
    if (found.endpoint === undefined) {
      process.stderr.write(
        `tlsterm: ${values.config} has no admin: listener, so a running instance cannot be asked\nhint: add admin: { address: "127.0.0.1:9901" } and reload, or pass --admin URL\n`,
      );
      return 1;
    }
    const { url } = found.endpoint;
    const answer = await askAdmin(found.endpoint, '/api/v1/status');
    if (!answer.ok) {
      process.stderr.write(
        `tlsterm: no running instance answered at ${url}: ${answer.why}\nhint: ${
          answer.status === 401
            ? "give the admin token (the config's admin.token_file, or TLSTERM_ADMIN_TOKEN)"
            : 'is `tlsterm serve` running with this config? (-c FILE, or --admin URL)'
        }\n`,
      );
      return 1;
    }
    process.stdout.write(
      values.json === true
        ? `${JSON.stringify(answer.body, null, 2)}\n`
        : formatInstanceStatus(answer.body, url),
    );
    return 0;
  },
};
