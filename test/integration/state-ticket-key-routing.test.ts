// Rotation without a wave of full handshakes: two hosts (A and B, each a set of tls.Servers in
// this process) share one ticket-key ring. A ticket A issued under K1 still resumes on B after B's
// current key rotated to K2, because B's accept path routes on the ticket's key name; once K1 has
// aged out the same ticket gets a full handshake, never a failed connection.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type tls from 'node:tls';
import {
  createMemoryKeyRing,
  createTicketServers,
  type TicketServers,
  ticketKeyName,
} from '../../src/state/index.ts';
import { toHex } from '../../src/wire/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { namedServer, startTlsFront, type TlsFront, tlsVisit } from '../helpers/tls-front.ts';

const H = 3_600_000;
const M = 60_000;
const tmp = makeTempDir('state-routing');
let ca = '';
let options: tls.TlsOptions = {};
const fronts: TlsFront[] = [];

before(async () => {
  const pki = await makePki(tmp.dir);
  ca = pki.rootPem;
  // Same sessionIdContext on every host: OpenSSL refuses sessions from another context.
  options = { cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem, sessionIdContext: 'site-1' };
});

after(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  tmp.cleanup();
});

async function host(name: string, servers: (create: (label: string) => tls.Server) => TicketServers) {
  const set = servers((label) => namedServer(`${name}:${label}`, options));
  const front = await startTlsFront((hello) => set.serverFor(hello));
  fronts.push(front);
  return { set, front };
}

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`${version}: a ticket from A under K1 resumes on B after B rotated to K2, and not after K1 aged out`, async () => {
    let now = Date.UTC(2026, 0, 1);
    const ring = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: 10 * M, clock: () => now, tickMs: 0 });
    const label = (nameHex: string) => nameHex.slice(0, 8);
    const make = (create: (label: string) => tls.Server) =>
      createTicketServers({ ring, create: (key) => create(label(key.nameHex)) });
    const a = await host('A', make);
    const b = await host('B', make);
    const k1 = ring.current();

    const onA = await tlsVisit(a.front.port, { ca, version });
    assert.equal(onA.answer, `A:${label(k1.nameHex)}`);
    assert.ok(onA.session);

    now += H;
    ring.tick();
    const k2 = ring.current();
    assert.notEqual(k2.nameHex, k1.nameHex);

    const fresh = await tlsVisit(b.front.port, { ca, version });
    assert.equal(fresh.reused, false);
    assert.equal(fresh.answer, `B:${label(k2.nameHex)}`, 'new clients get tickets under K2');

    const resumed = await tlsVisit(b.front.port, { ca, version, session: onA.session });
    assert.equal(resumed.reused, true, 'the K1 ticket resumed on B');
    assert.equal(resumed.answer, `B:${label(k1.nameHex)}`, 'on the server holding K1');
    assert.equal(toHex(ticketKeyName(b.front.hellos.at(-1)!)!), k1.nameHex);

    // Control: B without routing (its current server only) cannot resume the K1 ticket.
    const unrouted = await startTlsFront(() => b.set.current());
    fronts.push(unrouted);
    const plain = await tlsVisit(unrouted.port, { ca, version, session: onA.session });
    assert.equal(plain.reused, false);

    now += 10 * M;
    ring.tick();
    assert.equal(ring.byName(k1.name), undefined);
    const late = await tlsVisit(b.front.port, { ca, version, session: onA.session });
    assert.equal(late.reused, false, 'K1 aged out: a full handshake');
    assert.equal(late.answer, `B:${label(k2.nameHex)}`, 'served under the current key, not refused');
    assert.equal(
      b.set.servers().length,
      1,
      'the K1 server was dropped; K3 is only announced (no server yet)',
    );
    const k2Ticket = await tlsVisit(b.front.port, { ca, version, session: fresh.session });
    assert.equal(k2Ticket.reused, true, 'tickets under the current key resume');
    a.set.close();
    b.set.close();
    await ring.close();
  });
}

test('setSecureContext reaches every key server and keeps each one its own key', async () => {
  let now = Date.UTC(2026, 0, 1);
  const ring = createMemoryKeyRing({ rotateEveryMs: H, overlapMs: 10 * M, clock: () => now, tickMs: 0 });
  const pki2 = await makePki(`${tmp.dir}/second`, 'second');
  const set = createTicketServers({ ring, create: (key) => namedServer(key.nameHex.slice(0, 8), options) });
  const front = await startTlsFront((hello) => set.serverFor(hello));
  fronts.push(front);
  const first = await tlsVisit(front.port, { ca, version: 'TLSv1.3' });
  now += H;
  ring.tick();
  set.current();
  assert.equal(set.servers().length, 2);
  set.setSecureContext({
    cert: pki2.chains.ec.fullchainPem,
    key: pki2.chains.ec.keyPem,
    sessionIdContext: 'site-1',
  });
  // The old-key server still resumes its ticket (its key survived the context swap)…
  const resumed = await tlsVisit(front.port, { ca, version: 'TLSv1.3', session: first.session });
  assert.equal(resumed.reused, true);
  // …and a full handshake now shows the new certificate (signed by the second CA).
  await assert.rejects(tlsVisit(front.port, { ca, version: 'TLSv1.3' }), /certificate/);
  const fresh = await tlsVisit(front.port, { ca: pki2.rootPem, version: 'TLSv1.3' });
  assert.equal(fresh.reused, false);
  set.close();
  await ring.close();
});
