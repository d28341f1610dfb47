import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import {
  type CertificateStatus,
  configCertificateStatus,
  fileCertificateStatus,
  formatCertificateStatus,
  type InServicePair,
  overlayInService,
  readConfigCertificates,
  statusHasErrors,
} from '../certs/index.ts';
import { adminEndpoint, defaultStateDir } from '../config/index.ts';
import { Errors, TlstermError } from '../errors.ts';
import { askAdmin } from '../observe/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const OPTIONS = `  -c, --config FILE     the YAML config whose certificates to list; without it, the local CA's
  --state-dir DIR       where ACME certificates and the local CA live (default: the config's
                        state_dir, else $TLSTERM_STATE_DIR or ~/.local/state/tlsterm)
  --json                one JSON array instead of text
`;

export const certCommand: Command = {
  name: 'cert',
  usage: 'cert status [-c FILE] [--state-dir DIR] [--json]',
  summary: `List every certificate a config serves: source (files, acme, local-ca), names, serial,
expiry and days left, and for ACME the next renewal and any failing attempts. Warns with fewer
than 14 days left, errors with fewer than 3. Exit 1 when any certificate is in the error band or
unusable, so monitoring can run it.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(certCommand, OPTIONS));
      return 0;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'status' || extra.length > 0) {
      throw new TlstermError(
        Errors.usage(
          sub === undefined
            ? 'cert needs a subcommand'
            : `unknown cert subcommand "${[sub, ...extra].join(' ')}"`,
          'run `tlsterm cert status -c tlsterm.yaml`',
        ),
      );
    }
    return await runCertStatus(values.config, values['state-dir'], values.json === true);
  },
};

/**
 * The rows with the running instance's pairs in service over them, when the config has `admin:` and
 * the instance answers; says on stderr which one it is.
 */
async function withInService(
  configFile: string,
  rows: CertificateStatus[],
  now: Date,
): Promise<CertificateStatus[]> {
  const found = await adminEndpoint({ configFile, env: process.env });
  if (!found.ok || found.endpoint === undefined) {
    process.stderr.write(
      `tlsterm: from the files${found.ok ? ' (the config has no admin: listener to ask the running instance)' : ` (${found.why})`}
`,
    );
    return rows;
  }
  const answer = await askAdmin(found.endpoint, '/api/v1/certificates');
  if (!answer.ok) {
    process.stderr.write(`tlsterm: from the files (no running instance answered at ${found.endpoint.url}: ${answer.why})
`);
    return rows;
  }
  process.stderr.write(`tlsterm: certificates in service, from the running instance at ${found.endpoint.url}
`);
  return overlayInService(rows, (answer.body['certificates'] ?? []) as InServicePair[], now);
}

export async function runCertStatus(
  configFile: string | undefined,
  stateDirOption: string | undefined,
  json: boolean,
): Promise<number> {
  const now = new Date();
  let rows: CertificateStatus[];
  if (configFile) {
    const cfg = await readConfigCertificates(configFile);
    for (const note of cfg.notes) process.stderr.write(`tlsterm: ${note}\n`);
    if (cfg.notes.some((n) => n.startsWith('cannot read'))) return 1;
    const stateDir = stateDirOption ? path.resolve(stateDirOption) : (cfg.stateDir ?? defaultStateDir());
    rows = await configCertificateStatus(cfg, { stateDir, now });
    rows = await withInService(configFile, rows, now);
  } else {
    const stateDir = stateDirOption ? path.resolve(stateDirOption) : defaultStateDir();
    const leaf = path.join(stateDir, 'certs', 'localhost');
    if (!fs.existsSync(path.join(leaf, 'fullchain.pem'))) {
      process.stderr.write(
        `tlsterm: no config given and no local CA certificate in ${stateDir} yet\nhint: pass -c FILE, or run \`tlsterm serve\` once to create the local CA\n`,
      );
      return 1;
    }
    rows = [
      await fileCertificateStatus(
        'local CA (embedded default)',
        ['localhost', '127.0.0.1', '::1'],
        path.join(leaf, 'fullchain.pem'),
        path.join(leaf, 'privkey.pem'),
        { stateDir, now },
      ),
    ];
  }
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : formatCertificateStatus(rows, now));
  return statusHasErrors(rows) ? 1 : 0;
}
