// The IPC messages' type guards: ours are recognised, cluster's own (and anything else) are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isToPrimary, isToWorker } from '../../../../src/serve/cluster/messages.ts';

const TO_WORKER = [
  { type: 'ticket-keys', listener: 'public', keys: '{"v":1,"keys":[]}' },
  { type: 'session', seq: 1, session: new Uint8Array([1]) },
  { type: 'session', seq: 2, session: undefined },
  { type: 'drain', deadlineMs: 30_000 },
];

const TO_PRIMARY = [
  { type: 'ready', addresses: [{ listener: 'public', scheme: 'https', address: '127.0.0.1', port: 8443 }] },
  { type: 'failed', message: 'listen EADDRINUSE' },
  { type: 'want-keys', listener: 'public' },
  { type: 'session-get', seq: 1, listener: 'public', id: new Uint8Array(32) },
  { type: 'session-set', listener: 'public', id: new Uint8Array(32), session: new Uint8Array(3) },
  { type: 'counts', counts: new Map([['public', { full: 1, ticket: 0, session_id: 0 }]]) },
  { type: 'drained', cut: 0 },
];

// What node:cluster itself sends on the same channel, and other things that are not ours.
const FOREIGN: unknown[] = [
  { cmd: 'NODE_CLUSTER', act: 'online' },
  { cmd: 'NODE_CLUSTER', act: 'listening', port: 8443 },
  { type: 'something-else' },
  { type: 42 },
  {},
  null,
  undefined,
  'ready',
  'drain',
  42,
];

test('isToWorker: the primary’s three messages', () => {
  for (const m of TO_WORKER) assert.equal(isToWorker(m), true, JSON.stringify(m));
  for (const m of TO_PRIMARY) assert.equal(isToWorker(m), false, m.type);
  for (const m of FOREIGN) assert.equal(isToWorker(m), false, String(JSON.stringify(m)));
});

test('isToPrimary: the workers’ seven messages', () => {
  for (const m of TO_PRIMARY) assert.equal(isToPrimary(m), true, m.type);
  for (const m of TO_WORKER) assert.equal(isToPrimary(m), false, m.type);
  for (const m of FOREIGN) assert.equal(isToPrimary(m), false, String(JSON.stringify(m)));
});
