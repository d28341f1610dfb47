// The CLI is thin: find the command, let it parse its own arguments and call a module, print.

import { readFileSync } from 'node:fs';
import process from 'node:process';
import { TlstermError } from '../errors.ts';
import { COMMANDS, loadCommands } from './commands.ts';
import { helpText } from './help.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === '-v' || first === '--version') {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      process.stdout.write(
        `tlsterm ${pkg.version} (Node ${process.versions.node}, OpenSSL ${process.versions.openssl})\n`,
      );
      return 0;
    }
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      if (topic) return await (await topic.load()).run(['--help']);
      process.stdout.write(helpText(await loadCommands()));
      return first === undefined ? 1 : 0;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) {
      process.stderr.write(`tlsterm: unknown command "${first}"\nhint: run \`tlsterm --help\`\n`);
      return 1;
    }
    return await (await command.load()).run(rest);
  } catch (error) {
    const e = error as Error;
    process.stderr.write(`tlsterm: ${e.message}\n`);
    if (error instanceof TlstermError) process.stderr.write(`hint: ${error.hint}\n`);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      process.stderr.write(`hint: run \`tlsterm ${first} --help\`\n`);
    return 1;
  }
}
