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
    process.stderr.write(`tlsterm: listener ${a.listener} on https://${host}:${a.port}/\n`);
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
