// Where ACME state is shared, from the plan's `state:`: files in state_dir (one host, or several
// processes of one host) or Redis (several hosts: challenge answers, order locks, and the issued
// certificates and account key). The serving processes need only the challenge store; the one
// process that runs the certificate manager needs all of it.

import { type ChallengeStore, createFileChallengeStore } from '../../certs/acme/challenge-store.ts';
import { createFileLockStore, type LockStore } from '../../certs/acme/lock-store.ts';
import { createRedisChallengeStore } from '../../certs/acme/redis-challenge-store.ts';
import { createRedisLockStore } from '../../certs/acme/redis-lock-store.ts';
import { createRedisSharedStore } from '../../certs/acme/redis-shared-store.ts';
import type { SharedCertificateStore } from '../../certs/acme/shared-store.ts';
import type { Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import { openRedisConnection } from '../../state/redis-connection.ts';

export interface AcmeStores {
  readonly backend: 'files' | 'redis';
  readonly challenges: ChallengeStore;
  readonly locks: LockStore;
  /** Set with Redis: certificates and the account key travel between hosts. */
  readonly shared?: SharedCertificateStore;
  close(): Promise<void>;
}

export async function openAcmeStores(
  plan: Pick<Plan, 'state' | 'stateDir'>,
  log: Logger,
  stateDir: string = plan.stateDir,
): Promise<AcmeStores> {
  const state = plan.state;
  if (state.backend !== 'redis') {
    return {
      backend: 'files',
      challenges: createFileChallengeStore(`${stateDir}/acme/challenges`),
      locks: createFileLockStore(`${stateDir}/acme/locks`),
      close: async () => {},
    };
  }
  const connection = await openRedisConnection({
    url: state.url,
    log,
    ...(state.tls ? { tls: state.tls } : {}),
    ...(state.topology ? { topology: state.topology } : {}),
  });
  const prefix = state.prefix !== undefined ? { prefix: state.prefix } : {};
  return {
    backend: 'redis',
    challenges: createRedisChallengeStore({ connection, ...prefix }),
    locks: createRedisLockStore({ connection, ...prefix }),
    shared: createRedisSharedStore({ connection, ...prefix }),
    close: () => connection.close(),
  };
}
