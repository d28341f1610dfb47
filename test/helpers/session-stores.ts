// A SessionStore wrapper that counts the calls reaching the store behind it.
import type { SessionStore } from '../../src/state/index.ts';

export interface CountedStore {
  readonly counts: { get: number; set: number; delete: number; close: number };
  readonly store: SessionStore;
}

export function countCalls(store: SessionStore): CountedStore {
  const counts = { get: 0, set: 0, delete: 0, close: 0 };
  return {
    counts,
    store: {
      get(id) {
        counts.get++;
        return store.get(id);
      },
      set(id, session) {
        counts.set++;
        return store.set(id, session);
      },
      delete(id) {
        counts.delete++;
        return store.delete(id);
      },
      close() {
        counts.close++;
        return store.close();
      },
    },
  };
}
