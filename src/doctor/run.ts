// `tlsterm doctor`: the machine and the running configuration, item by item.

import type { Plan } from '../config/index.ts';
import { checkConfigFile, formatProblems, hasErrors } from '../config/index.ts';
import { CIPHER_SUITES, resolvePolicy, type TlsPolicy } from '../tls/index.ts';
import { ktlsChecklist, type PolicySuites, readKernelTls } from './ktls.ts';
import { runKtlsExperiment } from './ktls-experiment.ts';
import { bindItems, clockItems, keyFileItems, openFileItem } from './plan-items.ts';
import { type DoctorItem, type DoctorReport, makeReport } from './report.ts';
import { runtimeItems } from './runtime.ts';
import { type SystemView, systemView } from './system.ts';

export interface DoctorOptions {
  /** The config to look at; without it only the machine is examined. */
  readonly configFile?: string;
  /** The machine to read (tests give a fake /proc); default the real one. */
  readonly system?: SystemView;
}

/** The suites a listener's policy serves, with each one's bulk cipher. */
function policySuites(listener: string, policy: TlsPolicy): PolicySuites {
  const suites = [...policy.ciphers13, ...policy.ciphers12].map((name) => {
    const s = CIPHER_SUITES.find((c) => c.iana === name || c.openssl === name);
    return { name, cipher: s?.cipher ?? 'unknown' };
  });
  return { listener, policy, suites };
}

/** Each listener's suites; without a config, those of the default profile. */
function servedSuites(plan: Plan | undefined): PolicySuites[] {
  if (plan !== undefined) return plan.listeners.map((l) => policySuites(l.name, l.policy));
  const { policy } = resolvePolicy({});
  return policy === undefined ? [] : [policySuites('(default profile)', policy)];
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const sys = opts.system ?? systemView();
  const items: DoctorItem[] = [...runtimeItems()];
  let plan: Plan | undefined;
  if (opts.configFile !== undefined) {
    const { plan: p, problems } = await checkConfigFile(opts.configFile);
    if (hasErrors(problems) || p === undefined) {
      items.push({
        id: 'config',
        area: 'runtime',
        title: `Config ${opts.configFile}`,
        status: 'error',
        detail: `has errors:\n${formatProblems(
          problems.filter((q) => q.severity === 'error'),
          opts.configFile,
        )}`,
      });
    } else plan = p;
  }
  const experiment = await runKtlsExperiment(sys);
  items.push(...ktlsChecklist(readKernelTls(sys), experiment, servedSuites(plan)));
  if (plan === undefined) {
    items.push({
      id: 'config.absent',
      area: 'runtime',
      title: 'Configuration checks',
      status: 'not_tested',
      detail: `${opts.configFile === undefined ? 'No config was given' : 'The config has errors (above)'}: key permissions, certificate dates, the open-file limit against max_connections and the listeners' ports were not examined.`,
      hint:
        opts.configFile === undefined
          ? 'tlsterm doctor -c tlsterm.yaml'
          : `tlsterm check -c ${opts.configFile}`,
    });
    return makeReport(items);
  }
  items.push(...keyFileItems(plan), ...clockItems(plan), openFileItem(plan, sys), ...(await bindItems(plan)));
  return makeReport(items);
}
