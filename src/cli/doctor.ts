import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { doctorExitCode, renderDoctorText, runDoctor } from '../doctor/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const DOCTOR_OPTIONS = `  -c, --config FILE     also examine this config: key file modes, the clock against its
                        certificates, the open-file limit against max_connections, its ports
  --json                one JSON document (items with id, area, status, detail, hint, facts)
`;

export const doctorCommand: Command = {
  name: 'doctor',
  usage: 'doctor [-c FILE] [--json]',
  summary: `Examine this machine and a config: Node's OpenSSL and post-quantum support, kernel TLS (the
seed 001 checklist, with a test connection watched through /proc/net/tls_stat), key file
permissions, the clock against the certificates, the open-file limit, whether the ports bind.
Exit 1 when any item fails.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(doctorCommand, DOCTOR_OPTIONS));
      return 0;
    }
    const report = await runDoctor(values.config === undefined ? {} : { configFile: values.config });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorText(report));
    return doctorExitCode(report);
  },
};
