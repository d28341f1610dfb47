// The primary holds each listener's resumption state (memory, or Redis through one connection per
// host) and serves it to the workers: key sets on request and on every change, session reads and
// writes. So a session made on worker 1 resumes on worker 2, and a rotation reaches every worker.
//
// A reload keeps a listener's state when its name, its session settings and the backend are
// unchanged: the new workers get the same ticket keys and sessions, so a reload costs no client a
// full handshake. Old and new workers may be alive together, each talking to its generation's.

import type { ListenerPlan, Plan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import { encodeTicketKeys, type ResumptionState } from '../../state/index.ts';
import { localResumption } from '../resumption/index.ts';
import type { ToPrimary, ToWorker } from './messages.ts';

/** The states one generation of workers uses, by listener name. */
export interface GenerationState {
  handle(message: ToPrimary, reply: (m: ToWorker) => void): void;
  /** Whether a key-set change of state `key` concerns this generation. */
  uses(key: string): boolean;
  release(): Promise<void>;
}

export interface PrimaryStates {
  forPlan(plan: Plan): Promise<GenerationState>;
  close(): Promise<void>;
}

interface Shared {
  readonly state: ResumptionState;
  readonly unsubscribe: () => void;
  users: number;
}

const stateKey = (plan: Plan, listener: ListenerPlan): string =>
  JSON.stringify([listener.name, listener.resumption, plan.state]);

export function createPrimaryStates(
  log: Logger,
  /** A key set changed: send `message` to the workers of every generation that uses `key`. */
  broadcast: (key: string, message: ToWorker) => void,
): PrimaryStates {
  const open = localResumption(log);
  const shared = new Map<string, Shared>();

  const acquire = async (plan: Plan, listener: ListenerPlan): Promise<string> => {
    const key = stateKey(plan, listener);
    const known = shared.get(key);
    if (known !== undefined) {
      known.users++;
      return key;
    }
    const state = await open(listener, plan);
    const unsubscribe =
      state.ring?.subscribe((keys) =>
        broadcast(key, { type: 'ticket-keys', listener: listener.name, keys: encodeTicketKeys(keys) }),
      ) ?? (() => {});
    shared.set(key, { state, unsubscribe, users: 1 });
    return key;
  };
  const release = async (key: string): Promise<void> => {
    const entry = shared.get(key);
    if (entry === undefined || --entry.users > 0) return;
    shared.delete(key);
    entry.unsubscribe();
    await entry.state.close();
  };

  return {
    async forPlan(plan) {
      const keys = new Map<string, string>();
      try {
        for (const listener of plan.listeners) keys.set(listener.name, await acquire(plan, listener));
      } catch (error) {
        await Promise.all([...keys.values()].map(release));
        throw error;
      }
      const stateOf = (listener: string) => {
        const key = keys.get(listener);
        return key === undefined ? undefined : shared.get(key)?.state;
      };
      const mine = new Set(keys.values());
      return {
        uses: (key) => mine.has(key),
        handle(m, reply) {
          switch (m.type) {
            case 'want-keys': {
              const ring = stateOf(m.listener)?.ring;
              if (ring !== undefined)
                reply({ type: 'ticket-keys', listener: m.listener, keys: encodeTicketKeys(ring.keys()) });
              return;
            }
            case 'session-get': {
              const store = stateOf(m.listener)?.sessions;
              if (store === undefined) return reply({ type: 'session', seq: m.seq, session: undefined });
              store.get(m.id).then(
                (session) => reply({ type: 'session', seq: m.seq, session }),
                () => reply({ type: 'session', seq: m.seq, session: undefined }),
              );
              return;
            }
            case 'session-set':
              void stateOf(m.listener)?.sessions?.set(m.id, m.session);
              return;
            default:
          }
        },
        // Once: a generation retired by a reload may be retired again by a stop.
        release: async () => {
          const keys = [...mine];
          mine.clear();
          await Promise.all(keys.map(release));
        },
      };
    },
    async close() {
      const all = [...shared.values()];
      shared.clear();
      for (const e of all) e.unsubscribe();
      await Promise.all(all.map((e) => e.state.close()));
    },
  };
}
