// Bind failures: the listening sockets of a port found in /proc/net/tcp's table, and the hint each
// errno gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindHint, listeningInodes } from '../../../src/serve/bind-error.ts';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:20FB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:20FB 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 41299 1 0000000000000000 20 4 30 10 -1
   2: 00000000:01BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
`;

test('listeningInodes: only LISTEN rows of that port', () => {
  assert.deepEqual(listeningInodes(TABLE, 8443), ['41234']);
  assert.deepEqual(listeningInodes(TABLE, 443), ['555']);
  assert.deepEqual(listeningInodes(TABLE, 80), []);
  assert.deepEqual(listeningInodes('', 80), []);
});

test('bindHint names the holder, or how to find it', () => {
  assert.equal(
    bindHint('EADDRINUSE', '127.0.0.1', 8443, () => [{ pid: 42, command: 'nginx: master process' }]),
    'port 8443 is in use: it is held by pid 42 (nginx: master process); stop it or pick another port',
  );
  assert.match(
    bindHint('EADDRINUSE', '127.0.0.1', 8443, () => []),
    /sudo ss -ltnp 'sport = :8443'/,
  );
});

test('bindHint: below 1024 the capability; above, not; an address not of this host', () => {
  const low = bindHint('EACCES', '0.0.0.0', 443);
  assert.match(low, /CAP_NET_BIND_SERVICE/);
  assert.match(low, /AmbientCapabilities/);
  assert.match(low, /setcap/);
  assert.match(low, /user:/);
  assert.doesNotMatch(bindHint('EACCES', '0.0.0.0', 8443), /CAP_NET_BIND_SERVICE/);
  assert.match(bindHint('EADDRNOTAVAIL', '192.0.2.1', 443), /192\.0\.2\.1 is not an address of this host/);
});
