import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { runServe } from '../serve/index.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const SERVE_OPTIONS = `  -c, --config FILE     YAML config (see docs/configuration.md); without it, the embedded default
  --state-dir DIR       where the local CA and certificates live (default: $TLSTERM_STATE_DIR or
                        ~/.local/state/tlsterm)
  --workers N           serving processes (default: the config's workers:, else one per core);
                        single_process: true in the config serves from the primary itself
                        (one process; a crash ends the instance; docs/operations.md)

Signals: SIGHUP reloads (new workers on the new config; the old ones finish their connections),
SIGTERM and SIGINT drain and exit, SIGUSR1 reopens the log files ("event":"log_reopen"; it
never opens Node's inspector, and serve refuses to start with --inspect or NODE_OPTIONS=--inspect).
\`tlsterm reload\` sends SIGHUP to the instance of this config and waits for the outcome (exit 1 with
the reason when it failed). Under systemd (Type=notify) it says READY=1 once every worker listens.
Each config, at start and at every reload, is read and checked by a short-lived child process
(the serving processes never load the checker); one that takes over 60 s is killed, and the start
or reload refused (a refused reload leaves the old config serving).

Admin listener (admin: { address, token | token_file } in the config, in the primary; a token is
required off loopback): /healthz, /readyz, and the JSON API under /api/v1/ (status, certificates
in service, connections, ticket-keys, events, POST reload, POST/DELETE keylog: a key log on
demand for one site or client CIDR, at most 1h). \`tlsterm status\` reads it; docs/operations.md.
`;

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [-c FILE] [--state-dir DIR] [--workers N]',
  summary: `Terminate TLS and forward to your apps. Without -c: the embedded default, https://localhost:8443
with a local CA made once in the state directory and the built-in "inspect" page: your own
connection illustrated (its records both ways, its key schedule with its own secrets, the chain
served, what a narrower client would get; docs/inspect.md).
Logs are JSON lines on stdout: "event":"handshake" per connection (at close, with resumed and
resumed_by) or "event":"handshake_failed" with a "reason" (no_common_version, no_common_cipher,
no_common_group, no_common_signature_algorithm, unknown_sni, client_rejected_certificate,
client_certificate_required, client_certificate_untrusted, client_certificate_expired,
client_certificate_rejected, handshake_timeout, not_tls, client_closed, upstream_unreachable,
upstream_refused, other) and a "detail" in plain words;
"event":"resumption_summary" once a minute per listener.
Per site: edge (http://), re-encryption (https://), passthrough (mode: passthrough, tcp://),
TLS-to-TCP (tcp://), mTLS (client_auth); see docs/patterns.md. Certificate files are watched
and swapped without a reload. Session resumption is shared by all workers (and by hosts with
state: { backend: redis }); see docs/resumption.md.
Each request goes to the site of its Host / :authority; another site's name is served on the
same connection only when the certificate covers it and both sites negotiate and authenticate
alike, else 421. Every state is bounded (listeners' timeouts: and limits:, e.g. send for a
client that stops reading; "event":"http_timeout", "event":"connection_refused"); Upgrade is
allowed per site (upgrade: [websocket] by default). Routes (routes:, first match on host, path,
method, header, query) proxy to pools: of servers (round_robin, least_conn, hash; health checks,
passive ejection, retries; "event":"upstream_down|upstream_up|upstream_ejected"), redirect or
respond; see docs/l7.md. Every log event: docs/logs.md.`,
  async run(argv) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(serveCommand, SERVE_OPTIONS));
      return 0;
    }
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        process.stderr.write(`tlsterm: --workers ${values.workers}: give a whole number, at least 1\n`);
        return 1;
      }
    }
    return await runServe({ configFile: values.config, stateDir: values['state-dir'], workers });
  },
};
