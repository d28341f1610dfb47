// Wire a SessionStore into a tls.Server's external session cache ('newSession' / 'resumeSession').
//
// Facts this leans on (Node 24, tested in test/integration/state-session-cache.test.ts):
// - Only TLS 1.2 resumes through these events. TLS 1.3 resumes by ticket alone, yet Node still
//   emits 'newSession' for TLS 1.3 sessions and 'resumeSession' for the random legacy session id
//   every TLS 1.3 ClientHello carries: storing those is waste and looking them up costs a round
//   trip per handshake. TLS 1.3 sessions are not stored (their DER says which version they are),
//   and the accept path, which has read the ClientHello, can skip the lookup with `skipLookup`.
// - Node waits for the 'newSession' callback before finishing the handshake: it is called at once
//   and the store writes in the background. 'resumeSession' waits for the store, which answers
//   within its own bounded wait (a miss after that).

import type tls from 'node:tls';
import type { SessionStore } from './session-store.ts';
import { sessionProtocolVersion, TLS13 } from './session-version.ts';

export interface SessionCache {
  /** Serve `server`'s session-cache events from the store. Returns the function that detaches it. */
  attach(server: tls.Server): () => void;
  /**
   * The next lookup of this session id, on any attached server, is a miss without asking the store
   * (call it for a ClientHello that will negotiate TLS 1.3, before handing the connection over).
   */
  skipLookup(sessionId: Uint8Array): void;
}

export interface SessionCacheHandle {
  skipLookup(sessionId: Uint8Array): void;
  /** Remove the listeners. */
  detach(): void;
}

// Skipped ids whose lookup never came (the handshake died first) must not pile up.
const MAX_SKIPPED = 4096;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** One store for any number of servers (a site's per-key servers, several sites), one skip list. */
export function createSessionCache(store: SessionStore): SessionCache {
  const skipped = new Set<string>();
  const onNew = (id: Buffer, data: Buffer, done: () => void): void => {
    done();
    if (sessionProtocolVersion(data) === TLS13) return;
    void store.set(id, data);
  };
  const onResume = (id: Buffer, done: (err: Error | null, data?: Buffer | null) => void): void => {
    if (id.length === 0 || skipped.delete(hex(id))) {
      done(null, null);
      return;
    }
    store.get(id).then(
      (session) => done(null, session === undefined ? null : Buffer.from(session)),
      () => done(null, null),
    );
  };
  return {
    attach(server) {
      server.on('newSession', onNew);
      server.on('resumeSession', onResume);
      return () => {
        server.off('newSession', onNew);
        server.off('resumeSession', onResume);
      };
    },
    skipLookup(sessionId) {
      if (sessionId.length === 0) return;
      if (skipped.size >= MAX_SKIPPED) skipped.delete(skipped.values().next().value!);
      skipped.add(hex(sessionId));
    },
  };
}

/** createSessionCache for a single server. */
export function attachSessionStore(server: tls.Server, store: SessionStore): SessionCacheHandle {
  const cache = createSessionCache(store);
  return { skipLookup: (id) => cache.skipLookup(id), detach: cache.attach(server) };
}
