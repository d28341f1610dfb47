// Hot reload, the decisions: given what the files hold now (a fingerprint) and what load-pair made
// of them, is there anything to do, and is the new pair swapped in or refused? Pure: the watcher
// (watcher.ts) does the reading and the timing.

import type { LogEvent } from '../../observe/index.ts';
import type { Problem } from '../../problems.ts';
import { err } from '../../problems.ts';
import type { LoadPairResult } from '../load-pair.ts';
import { coveredBy } from '../names.ts';
import type { CertificatePair } from '../pair.ts';

export interface ReloadState {
  /** Fingerprint of the files behind the pair in service; undefined when not known yet. */
  readonly served: string | undefined;
  /** Serial of the pair in service, for the log line. */
  readonly servedSerial: string | undefined;
  /** Fingerprint last refused, so one bad pair is reported once, not on every event. */
  readonly refused: string | undefined;
}

export type ReloadOutcome =
  | {
      readonly kind: 'reloaded';
      readonly pair: CertificatePair;
      readonly previousSerial: string | undefined;
      /** Warnings load-pair found in the new pair (e.g. expires soon); it is served anyway. */
      readonly warnings: readonly Problem[];
    }
  | {
      readonly kind: 'refused';
      /** Why: at least one error. The pair in service stays. */
      readonly problems: readonly Problem[];
      readonly keptSerial: string | undefined;
    };

export const initialReloadState = (fingerprint?: string, serial?: string): ReloadState => ({
  served: fingerprint,
  servedSerial: serial,
  refused: undefined,
});

/** Is this content worth validating? Only when it is neither what is served nor what was refused. */
export function needsValidation(state: ReloadState, fingerprint: string): boolean {
  return fingerprint !== state.served && fingerprint !== state.refused;
}

/** Hosts a new certificate must still cover (a renewal that drops a name is refused, not served). */
export function coverageProblems(hosts: readonly string[], sans: readonly string[]): Problem[] {
  const missing = hosts.filter((h) => !coveredBy(h, sans));
  if (missing.length === 0) return [];
  return [
    err(
      'cert',
      `the new certificate does not cover ${missing.map((h) => `'${h}'`).join(', ')} (it names: ${sans.join(', ') || 'nothing'})`,
      'issue the certificate for every host of the site (certbot: -d for each name), or remove the host from the site',
    ),
  ];
}

/** Fold one validation of the content with `fingerprint` into the state. */
export function applyValidation(
  state: ReloadState,
  fingerprint: string,
  result: LoadPairResult,
  hosts: readonly string[] = [],
): { state: ReloadState; outcome: ReloadOutcome } {
  const problems = [...result.problems];
  if (result.pair) problems.push(...coverageProblems(hosts, result.pair.sans));
  const errors = problems.filter((p) => p.severity === 'error');
  if (!result.pair || errors.length > 0) {
    return {
      state: { ...state, refused: fingerprint },
      outcome: { kind: 'refused', problems: errors, keptSerial: state.servedSerial },
    };
  }
  return {
    state: { served: fingerprint, servedSerial: result.pair.serialNumber, refused: undefined },
    outcome: {
      kind: 'reloaded',
      pair: result.pair,
      previousSerial: state.servedSerial,
      warnings: problems,
    },
  };
}

/** The log event for an outcome: `certificate_reloaded` or `certificate_reload_refused`. */
export function reloadEvent(
  outcome: ReloadOutcome,
  where: { certPath: string; keyPath: string; id?: string },
): LogEvent {
  const base = { ...(where.id ? { id: where.id } : {}), cert: where.certPath, key: where.keyPath };
  if (outcome.kind === 'reloaded') {
    return {
      event: 'certificate_reloaded',
      level: 'info',
      ...base,
      serial: outcome.pair.serialNumber,
      previous_serial: outcome.previousSerial ?? null,
      subject: outcome.pair.subject,
      not_after: outcome.pair.notAfter.toISOString(),
      warnings: outcome.warnings.map((w) => w.message),
    };
  }
  return {
    event: 'certificate_reload_refused',
    level: 'error',
    ...base,
    kept_serial: outcome.keptSerial ?? null,
    problems: outcome.problems.map((p) => ({ path: p.path, message: p.message, hint: p.hint })),
  };
}
