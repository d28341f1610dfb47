import { parseArgs } from 'node:util';
import {
  buildDefaultPlan,
  checkConfigFile,
  defaultStateDir,
  formatProblems,
  hasErrors,
} from '../config/index.ts';
import type { Plan } from '../config/plan.ts';
import { createJsonLogger } from '../observe/index.ts';
import { startServer } from '../serve/index.ts';
import type { Command } from './commands.ts';
import { commandHelp } from './help.ts';

const SERVE_OPTIONS = `  -c, --config FILE     YAML config (see docs/configuration.md); without it, the embedded default
  --state-dir DIR       where the local CA and certificates live (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm)
`;

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [-c FILE] [--state-dir DIR]',
  summary: `Terminate TLS and forward to your apps. Without -c: the embedded default, https://localhost:8443
with a local CA made once in the state directory and the built-in "inspect" page, which shows
what your client negotiated (version, suite, group, signature, ALPN, SNI, JA4, …).
Logs are JSON lines on stdout: "event":"handshake" per connection (at close) or
"event":"handshake_failed" with a "reason" (no_common_version, no_common_cipher, no_common_group,
unknown_sni, client_rejected_certificate, client_certificate_required,
client_certificate_untrusted, client_certificate_expired, handshake_timeout, not_tls,
client_closed, upstream_unreachable, upstream_refused, other) and a "detail" in plain words.
Per site: edge (http://), re-encryption (https://), passthrough (mode: passthrough, tcp://),
TLS-to-TCP (tcp://), mTLS (client_auth); see docs/patterns.md. Certificate files are watched
and swapped without a reload.`,
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
      process.stdout.write(commandHelp(serveCommand, SERVE_OPTIONS));
      return 0;
    }
    return await runServe(values.config, values['state-dir']);
  },
};

export async function runServe(
  configFile: string | undefined,
  stateDir: string | undefined,
): Promise<number> {
  let plan: Plan;
  if (configFile) {
    const result = await checkConfigFile(configFile);
    if (result.problems.length > 0) process.stderr.write(`${formatProblems(result.problems, configFile)}\n`);
    if (hasErrors(result.problems) || !result.plan) {
      process.stderr.write(
        'tlsterm: not starting: fix the errors above (`tlsterm check -c FILE` lists them)\n',
      );
      return 1;
    }
    plan = result.plan;
  } else {
    const dir = stateDir ?? defaultStateDir();
    plan = await buildDefaultPlan(dir);
    process.stderr.write(
      `tlsterm: embedded default — no config given\n` +
        `  state directory: ${dir}\n` +
        `  local CA: ${dir}/ca/ca.pem — trust it to avoid browser warnings, e.g.\n` +
        `    curl --cacert ${dir}/ca/ca.pem https://localhost:8443/\n` +
        `    sudo cp ${dir}/ca/ca.pem /usr/local/share/ca-certificates/tlsterm-local-ca.crt && sudo update-ca-certificates\n`,
    );
  }
  const log = createJsonLogger();
  const server = await startServer(plan, log);
  for (const a of server.addresses) {
    const host = a.address.includes(':') ? `[${a.address}]` : a.address;
    process.stderr.write(`tlsterm: listener ${a.listener} on ${a.scheme}://${host}:${a.port}/\n`);
  }
  log({ event: 'started', listeners: server.addresses });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  return 0;
}
