// The CLI is thin: parse arguments, call a module, print.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TlstermError } from '../errors.ts';
import { runCheck } from './check.ts';
import { HELP } from './help.ts';
import { runServe } from './serve.ts';

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const command = positionals[0];
    if (values.version) {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      process.stdout.write(
        `tlsterm ${pkg.version} (Node ${process.versions.node}, OpenSSL ${process.versions.openssl})\n`,
      );
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined && !values.help ? 1 : 0;
    }
    switch (command) {
      case 'serve':
        return await runServe(values.config, values['state-dir']);
      case 'check':
        if (!values.config) throw new Error('check needs -c FILE');
        return await runCheck(values.config);
      default:
        process.stderr.write(`tlsterm: unknown command "${command}"\nhint: run \`tlsterm --help\`\n`);
        return 1;
    }
  } catch (error) {
    const e = error as Error;
    process.stderr.write(`tlsterm: ${e.message}\n`);
    if (error instanceof TlstermError) process.stderr.write(`hint: ${error.hint}\n`);
    return 1;
  }
}
