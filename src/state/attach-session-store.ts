// Wire a SessionStore into a tls.Server's external session cache ('newSession' / 'resumeSession').
//
// Facts this leans on (Node 24, tested in test/integration/state-session-cache.test.ts):
// - Only TLS 1.2 resumes through these events. TLS 1.3 resumes by ticket alone, yet Node still
//   emits 'newSession' for TLS 1.3 sessions and 'resumeSession' for the random legacy session id
//   every TLS 1.3 ClientHello carries: storing those is waste and looking them up costs a round
//   trip per handshake. TLS 1.3 sessions are not stored (their DER says which version they are);
//   the accept path, which has read the ClientHello, hands hellos that will negotiate TLS 1.3 to a
//   server without these listeners at all (src/serve/site-runtime.ts).
// - Node waits for the 'newSession' callback before finishing the handshake: it is called at once
//   and the store writes in the background. 'resumeSession' waits for the store, which answers
//   within its own bounded wait (a miss after that).

import { Buffer } from 'node:buffer';
import type tls from 'node:tls';
import type { SessionStore } from './session-store.ts';
import { sessionProtocolVersion, TLS13 } from './session-version.ts';

export interface SessionCache {
  /** Serve `server`'s session-cache events from the store. Returns the function that detaches it. */
  attach(server: tls.Server): () => void;
}

export interface SessionCacheHandle {
  /** Remove the listeners. */
  detach(): void;
}

/** One store for any number of servers (a site's per-key servers, several sites). */
export function createSessionCache(store: SessionStore): SessionCache {
  const onNew = (id: Buffer, data: Buffer, done: () => void): void => {
    done();
    if (sessionProtocolVersion(data) === TLS13) return;
    void store.set(id, data);
  };
  const onResume = (id: Buffer, done: (err: Error | null, data?: Buffer | null) => void): void => {
    if (id.length === 0) {
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
  };
}

/** createSessionCache for a single server. */
export function attachSessionStore(server: tls.Server, store: SessionStore): SessionCacheHandle {
  return { detach: createSessionCache(store).attach(server) };
}
