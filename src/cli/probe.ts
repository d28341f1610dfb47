import { readFile } from 'node:fs/promises';
import process from 'node:process';
import { parseArgs } from '../builtins.ts';
import { Errors, TlstermError } from '../errors.ts';
import type { Command } from './command.ts';
import { commandHelp } from './help.ts';

const PROBE_OPTIONS = `  --sni NAME            server name to send (default: the host, none for an IP address)
  --ca FILE             PEM CA certificate(s) to trust instead of Node's CA store
  --json                print the report as JSON
  --fail-under GRADE    exit 2 when the grade is below GRADE (A+, A, A-, B, C, D, E, F;
                        T and M, trust problems, count below F)
  --timeout MS          per-connection timeout (default 3000)
  --concurrency N       connections at once (default 12)
  --no-http             do not send GET / (skips the HSTS check)
`;

export const probeCommand: Command = {
  name: 'probe',
  usage: 'probe HOST[:PORT] [--sni NAME] [--ca FILE] [--json] [--fail-under GRADE]',
  summary: `Scan a TLS server with hand-written ClientHellos: versions SSLv3–TLS 1.3, cipher suites in the
server's order, key-exchange groups (X25519MLKEM768 too) and HelloRetryRequests, signature
algorithms, ALPN, every certificate chain served (order, missing intermediates, expiry, names,
trust), resumption, OCSP stapling, HSTS, fallback SCSV, renegotiation, compression, heartbeat;
graded A+–F with a reason for every point lost. Exit 0, or 2 when below --fail-under.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        sni: { type: 'string' },
        ca: { type: 'string' },
        json: { type: 'boolean' },
        'fail-under': { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        'no-http': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(commandHelp(probeCommand, PROBE_OPTIONS));
      return 0;
    }
    const target = positionals[0];
    if (target === undefined || positionals.length > 1)
      throw new TlstermError(
        Errors.usage('probe needs one HOST[:PORT]', 'run `tlsterm probe example.com:443`'),
      );
    // Loaded here so that other commands do not pay for the prober's modules at start-up.
    const { parseGrade, gradeRank, probe, renderProbeReport } = await import('../probe/index.ts');
    const threshold = values['fail-under'] === undefined ? undefined : parseGrade(values['fail-under']);
    if (values['fail-under'] !== undefined && threshold === undefined)
      throw new TlstermError(
        Errors.usage(
          `--fail-under ${values['fail-under']} is not a grade`,
          'use one of A+, A, A-, B, C, D, E, F',
        ),
      );
    const timeoutMs = positiveInt(values.timeout, '--timeout');
    const concurrency = positiveInt(values.concurrency, '--concurrency');
    let ca: string | undefined;
    if (values.ca !== undefined) {
      try {
        ca = await readFile(values.ca, 'utf8');
      } catch (e) {
        throw new TlstermError(Errors.probeCaFile(values.ca, (e as NodeJS.ErrnoException).code ?? String(e)));
      }
      if (!ca.includes('-----BEGIN CERTIFICATE-----'))
        throw new TlstermError(Errors.probeCaFile(values.ca, 'no PEM certificate in it'));
    }
    const report = await probe(target, {
      sni: values.sni,
      ca,
      caLabel: values.ca,
      timeoutMs,
      concurrency,
      http: !values['no-http'],
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderProbeReport(report));
    if (threshold !== undefined && gradeRank(report.grade) < gradeRank(threshold)) {
      process.stderr.write(`tlsterm: grade ${report.grade} is below --fail-under ${threshold}\n`);
      return 2;
    }
    return 0;
  },
};

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new TlstermError(
      Errors.usage(`${flag} ${value} is not a positive whole number`, `e.g. ${flag} 3000`),
    );
  return Number(value);
}
