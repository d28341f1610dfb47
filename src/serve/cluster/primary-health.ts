// The primary's side of pool health: one HealthAuthority per generation (active checks run once per
// instance, not once per worker), fed by the workers' passive reports; every decision goes to all
// the generation's workers, so they agree on which servers are up.

import type { Plan } from '../../config/plan.ts';
import type { HealthChange, HealthLink } from '../../http/index.ts';
// Not http's face (the whole HTTP stack, ~3 MiB the primary does not use): the one class it runs.
import { HealthAuthority } from '../../http/pools/health-authority.ts';
import type { Logger } from '../../observe/index.ts';
import type { ToPrimary, ToWorker } from './messages.ts';

export interface GenerationHealth {
  /** A worker's health message (report or snapshot request); false if it was not one. */
  handle(m: ToPrimary, reply: (m: ToWorker) => void): boolean;
  stop(): void;
}

export const generationHealth = (
  plan: Plan,
  log: Logger,
  broadcast: (m: ToWorker) => void,
): GenerationHealth => {
  const pools = plan.pools ?? [];
  if (pools.length === 0) return { handle: () => false, stop: () => {} };
  const authority = new HealthAuthority(pools, {
    emit: (changes) => broadcast({ type: 'upstream-health', changes }),
    log,
  });
  authority.start();
  return {
    handle(m, reply) {
      if (m.type === 'upstream-report') authority.passive(m.pool, m.server, m.code);
      else if (m.type === 'health-get') reply({ type: 'upstream-health', changes: authority.snapshot() });
      else return false;
      return true;
    },
    stop: () => authority.stop(),
  };
};

/** A worker's link to the primary's authority. */
export const workerHealthLink = (channel: {
  send(m: ToPrimary): void;
  onMessage(listener: (m: ToWorker) => void): () => void;
}): HealthLink => ({
  report: (pool, server, code) => channel.send({ type: 'upstream-report', pool, server, code }),
  subscribe: (apply: (changes: readonly HealthChange[]) => void) => {
    channel.onMessage((m) => {
      if (m.type === 'upstream-health') apply(m.changes);
    });
    channel.send({ type: 'health-get' });
  },
});
