// The external session cache (session-ID resumption) through attachSessionStore: TLS 1.2 sessions
// made on one server resume on another that shares the store; TLS 1.3 sessions (which Node resumes
// by ticket only) are not stored, and the accept path can spare the store their lookups.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import type tls from 'node:tls';
import {
  attachSessionStore,
  createMemorySessionStore,
  createSessionCache,
  type SessionStore,
} from '../../src/state/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { countCalls } from '../helpers/session-stores.ts';
import { namedServer, startTlsFront, type TlsFront, tlsVisit } from '../helpers/tls-front.ts';

const tmp = makeTempDir('state-session-cache');
let ca = '';
let options: tls.TlsOptions = {};
const fronts: TlsFront[] = [];

before(async () => {
  const pki = await makePki(tmp.dir);
  ca = pki.rootPem;
  options = {
    cert: pki.chains.ec.fullchainPem,
    key: pki.chains.ec.keyPem,
    sessionIdContext: 'site-1',
    // Tickets off: TLS 1.2 then resumes by session id, through the external cache.
    secureOptions: crypto.constants.SSL_OP_NO_TICKET,
  };
});

after(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  tmp.cleanup();
});

async function front(server: tls.Server) {
  const f = await startTlsFront(() => server);
  fronts.push(f);
  return f;
}

test('TLS 1.2: a session stored by server A resumes on server B sharing the store', async () => {
  const shared = createMemorySessionStore({ maxEntries: 100, ttlMs: 60_000 });
  const a = namedServer('A', options);
  const b = namedServer('B', options);
  const lonely = namedServer('C', options);
  attachSessionStore(a, shared);
  attachSessionStore(b, shared);
  const [fa, fb, fc] = [await front(a), await front(b), await front(lonely)];

  const first = await tlsVisit(fa.port, { ca, version: 'TLSv1.2' });
  assert.equal(first.reused, false);
  // 'newSession' writes in the background; the store has it by the time the server ended.
  assert.equal(shared.size, 1);
  const onB = await tlsVisit(fb.port, { ca, version: 'TLSv1.2', session: first.session });
  assert.equal(onB.answer, 'B');
  assert.equal(onB.reused, true);
  const onC = await tlsVisit(fc.port, { ca, version: 'TLSv1.2', session: first.session });
  assert.equal(onC.reused, false, 'a server without the shared store does a full handshake');
});

test('TLS 1.3: sessions are not stored; a server without the listeners resumes by ticket alone', async () => {
  const { counts, store } = countCalls(createMemorySessionStore({ maxEntries: 100, ttlMs: 60_000 }));
  const cache = createSessionCache(store);
  // Same ticket keys (as a site's servers for one key): A has the session cache, B has none.
  const same = { ...options, secureOptions: 0, ticketKeys: crypto.randomBytes(48) };
  const withCache = namedServer('A', same);
  const withoutCache = namedServer('B', same);
  const detach = cache.attach(withCache);
  const f = await front(withCache);
  const first = await tlsVisit(f.port, { ca, version: 'TLSv1.3' });
  assert.equal(counts.set, 0, 'no TLS 1.3 session written');
  // With the listeners there, Node asks the store for the hello's random legacy session id: why
  // the accept path sends hellos that will be TLS 1.3 to servers without them.
  assert.equal(counts.get, 1);

  const g = await front(withoutCache);
  const again = await tlsVisit(g.port, { ca, version: 'TLSv1.3', session: first.session });
  assert.equal(again.answer, 'B');
  assert.equal(again.reused, true, 'resumed by ticket, no cache involved');
  assert.equal(counts.get, 1, 'the store was not asked');
  detach();
  assert.equal(withCache.listenerCount('newSession') + withCache.listenerCount('resumeSession'), 0);
});

test('a store that never answers in time is a miss: the handshake completes in full', async () => {
  const slow: SessionStore = {
    get: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 50)),
    set: async () => {},
    delete: async () => {},
    close: async () => {},
  };
  const a = namedServer('A', options);
  attachSessionStore(a, slow);
  const f = await front(a);
  const first = await tlsVisit(f.port, { ca, version: 'TLSv1.2' });
  const again = await tlsVisit(f.port, { ca, version: 'TLSv1.2', session: first.session });
  assert.equal(again.reused, false);
  assert.equal(again.answer, 'A');
});
