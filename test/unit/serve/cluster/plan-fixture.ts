// Small plans for the cluster tests: listeners with chosen session settings and no sites (the
// resumption state is per listener; nothing here listens). Not a test file itself.
import type { ListenerPlan, Plan } from '../../../../src/config/plan.ts';
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from '../../../../src/http/limits.ts';
import {
  RESUMPTION_DEFAULTS,
  type ResumptionSettings,
  type StateBackendSettings,
} from '../../../../src/state/index.ts';
import type { TlsPolicy } from '../../../../src/tls/policy.ts';
import { resolvePolicy } from '../../../../src/tls/policy.ts';

function defaultPolicy(): TlsPolicy {
  const { policy } = resolvePolicy({});
  if (policy === undefined) throw new Error('the default policy does not resolve');
  return policy;
}

export interface SessionOverrides {
  readonly cache?: boolean;
  readonly tickets?: boolean;
  readonly timeoutMs?: number;
  readonly rotateEveryMs?: number;
}

/** The settings check makes from `session: { … }` (overlap = timeout). */
export function sessionSettings(o: SessionOverrides = {}): ResumptionSettings {
  const d = RESUMPTION_DEFAULTS;
  const timeoutMs = o.timeoutMs ?? d.sessionCache.timeoutMs;
  return {
    sessionCache: { ...d.sessionCache, enabled: o.cache ?? true, timeoutMs },
    tickets: {
      enabled: o.tickets ?? true,
      rotateEveryMs: o.rotateEveryMs ?? d.tickets.rotateEveryMs,
      overlapMs: timeoutMs,
    },
  };
}

export function listenerPlan(name: string, o: SessionOverrides = {}): ListenerPlan {
  return {
    name,
    host: '127.0.0.1',
    port: 0,
    policy: defaultPolicy(),
    strictSni: false,
    sites: [],
    handshakeTimeoutMs: 10_000,
    timeouts: DEFAULT_TIMEOUTS,
    limits: DEFAULT_LIMITS,
    maxClientHelloBytes: 32_768,
    resumption: sessionSettings(o),
  };
}

export function planOf(
  listeners: readonly ListenerPlan[],
  state: StateBackendSettings = { backend: 'memory' },
): Plan {
  return {
    source: 'test',
    stateDir: '/nonexistent/tlsterm-test',
    listeners,
    httpListeners: [],
    extraCa: [],
    workers: 1,
    drainTimeoutMs: 1000,
    state,
  };
}
