// Upstream pools: several servers per pool, balanced (smooth weighted round robin, least
// connections, consistent hashing), with health decided once per instance (active checks, passive
// ejection, slow start), retries on another server within a budget, and a circuit when none is up.

export { PoolAttempt } from './attempt.ts';
export { HashRing, hash32, VNODES } from './hash-ring.ts';
export { HealthAuthority, localHealthLink } from './health-authority.ts';
export type {
  ActiveHealthPlan,
  Balance,
  HashKey,
  HealthChange,
  HealthLink,
  PassivePlan,
  PoolPlan,
  PoolTimeouts,
  ServerPlan,
} from './plan.ts';
export { DEFAULT_PASSIVE } from './plan.ts';
export { RetryBudget } from './retry-budget.ts';
export { createServerPools, Server, ServerPool } from './server-pool.ts';
export { registerTransport, type ServerTransport, transportFor, transportSchemes } from './transport.ts';
