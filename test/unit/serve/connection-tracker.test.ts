// The connections a serving process holds, and how a drain lets them finish: real TCP socket pairs
// on 127.0.0.1 (the tracker holds the server side, as the accept path does).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createConnectionTracker } from '../../../src/serve/connection-tracker.ts';

let server: net.Server;
const accepted: net.Socket[] = [];
const waiting: ((s: net.Socket) => void)[] = [];
const clients: net.Socket[] = [];

before(async () => {
  server = net.createServer((s) => {
    const w = waiting.shift();
    if (w) w(s);
    else accepted.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

after(async () => {
  for (const c of clients) c.destroy();
  await new Promise((r) => server.close(r));
});

interface Pair {
  /** The server side: what the tracker holds. */
  readonly raw: net.Socket;
  readonly client: net.Socket;
  readonly rawClosed: Promise<void>;
  readonly clientClosed: Promise<void>;
}

const onClose = (s: net.Socket) => new Promise<void>((r) => s.once('close', () => r()));

async function pair(): Promise<Pair> {
  const port = (server.address() as net.AddressInfo).port;
  const raw = new Promise<net.Socket>((resolve) => {
    const ready = accepted.shift();
    if (ready) resolve(ready);
    else waiting.push(resolve);
  });
  const client = net.connect(port, '127.0.0.1');
  clients.push(client);
  client.on('error', () => {});
  const clientClosed = onClose(client);
  await new Promise<void>((r) => client.once('connect', () => r()));
  const serverSide = await raw;
  return { raw: serverSide, client, rawClosed: onClose(serverSide), clientClosed };
}

/** A Drainable that records when it was asked, and optionally ends the connection when asked. */
function drainable(onDrain: () => void = () => {}) {
  const calls: number[] = [];
  return {
    calls,
    drain() {
      calls.push(Date.now());
      onDrain();
    },
  };
}

test('drain with nothing open resolves 0 at once, and the tracker says it is draining', async () => {
  const tracker = createConnectionTracker();
  assert.equal(tracker.draining, false);
  assert.equal(await tracker.drain(10_000), 0);
  assert.equal(tracker.draining, true);
  assert.equal(tracker.size, 0);
});

test('size follows connections as they open and close', async () => {
  const tracker = createConnectionTracker();
  const a = await pair();
  const b = await pair();
  tracker.add(a.raw);
  tracker.add(b.raw);
  assert.equal(tracker.size, 2);
  a.client.destroy();
  await a.rawClosed;
  assert.equal(tracker.size, 1);
  b.raw.destroy();
  await b.rawClosed;
  assert.equal(tracker.size, 0);
});

test('drain asks every HTTP connection to finish at once, and resolves 0 when the last one closes', async () => {
  const tracker = createConnectionTracker();
  const a = await pair();
  const b = await pair();
  tracker.add(a.raw);
  tracker.add(b.raw);
  // a finishes its exchange and closes when asked; b (still in its handshake: no drainable) closes
  // by itself a little later.
  const da = drainable(() => a.raw.end());
  tracker.setDrainable(a.raw, da);
  assert.equal(da.calls.length, 0, 'not asked before a drain');
  const drained = tracker.drain(30_000);
  assert.equal(da.calls.length, 1, 'asked synchronously when the drain starts');
  await a.rawClosed;
  assert.equal(tracker.size, 1);
  b.client.end();
  assert.equal(await drained, 0, 'nothing was cut');
  assert.equal(da.calls.length, 1, 'asked once');
});

test('a connection that becomes HTTP during a drain is asked at once', async () => {
  const tracker = createConnectionTracker();
  const c = await pair();
  tracker.add(c.raw);
  const drained = tracker.drain(30_000);
  const d = drainable(() => c.raw.end());
  tracker.setDrainable(c.raw, d);
  assert.equal(d.calls.length, 1);
  assert.equal(await drained, 0);
});

test('setDrainable for a connection the tracker does not hold (already closed) is ignored', async () => {
  const tracker = createConnectionTracker();
  const c = await pair();
  tracker.add(c.raw);
  c.client.destroy();
  await c.rawClosed;
  const d = drainable();
  tracker.setDrainable(c.raw, d);
  assert.equal(await tracker.drain(1000), 0);
  assert.equal(d.calls.length, 0);
  assert.equal(tracker.size, 0);
});

test('the deadline cuts what is left: the count resolves and the clients see their connections close', async () => {
  const tracker = createConnectionTracker();
  const stubborn = await pair();
  const idle = await pair();
  const polite = await pair();
  for (const p of [stubborn, idle, polite]) tracker.add(p.raw);
  // stubborn is asked and ignores it; idle never became HTTP; polite closes when asked.
  tracker.setDrainable(stubborn.raw, drainable());
  tracker.setDrainable(
    polite.raw,
    drainable(() => polite.raw.end()),
  );
  const cut = await tracker.drain(200);
  assert.equal(cut, 2);
  assert.ok(stubborn.raw.destroyed && idle.raw.destroyed);
  await Promise.all([stubborn.clientClosed, idle.clientClosed, stubborn.rawClosed, idle.rawClosed]);
  assert.equal(tracker.size, 0);
});
