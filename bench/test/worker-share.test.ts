// The accept distribution: ss output (captured from iproute2's ss on Debian 12 during a load against
// nginx), the /proc fd links, the busiest-worker figures, and one live sample of this process.
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { commandExists } from '../lib/contenders.ts';
import {
  busiestCpuPercent,
  parseSsEstablished,
  sampleShare,
  socketInode,
  summarizeShare,
} from '../lib/worker-share.ts';

const ssOutput = `0      1286   127.0.0.1:18443 127.0.0.1:58610 timer:(on,204ms,0) ino:10443551 sk:e8 cgroup:/ <->
0      1286   127.0.0.1:18443 127.0.0.1:58596 timer:(on,204ms,0) ino:10443549 sk:e9 cgroup:/ <->
100    0      127.0.0.1:18443 127.0.0.1:58626 ino:10443553 sk:ea cgroup:/ <->                   
100    0      127.0.0.1:18443 127.0.0.1:58652 ino:10443557 sk:eb cgroup:/ <->                   
`;

describe('parseSsEstablished', () => {
  it('reads the peer and the inode of each connection, with or without a timer field', () => {
    assert.deepEqual(parseSsEstablished(ssOutput), [
      { peer: '127.0.0.1:58610', inode: 10443551 },
      { peer: '127.0.0.1:58596', inode: 10443549 },
      { peer: '127.0.0.1:58626', inode: 10443553 },
      { peer: '127.0.0.1:58652', inode: 10443557 },
    ]);
  });

  it('skips empty lines and sockets without an inode (ino:0: already orphaned)', () => {
    const orphan = '0      0      127.0.0.1:18443 127.0.0.1:40000 ino:0 sk:f0 cgroup:/ <->\n\n';
    assert.deepEqual(parseSsEstablished(orphan), []);
  });
});

describe('socketInode', () => {
  it('reads socket links and ignores everything else', () => {
    assert.equal(socketInode('socket:[10443555]'), 10443555);
    assert.equal(socketInode('pipe:[123]'), undefined);
    assert.equal(socketInode('/dev/null'), undefined);
  });
});

describe('summarizeShare and busiestCpuPercent', () => {
  it('gives the busiest worker’s share of the distinct connections, busiest first', () => {
    const seen = new Map([
      [200, new Set(['a', 'b', 'c'])],
      [100, new Set(['d'])],
    ]);
    assert.deepEqual(summarizeShare(seen), {
      counts: [
        { pid: 200, connections: 3 },
        { pid: 100, connections: 1 },
      ],
      total: 4,
      busiestPercent: 75,
    });
  });

  it('lists a worker that got nothing, and gives no share when nothing was seen', () => {
    assert.deepEqual(summarizeShare(new Map([[7, new Set<string>()]])), {
      counts: [{ pid: 7, connections: 0 }],
      total: 0,
    });
  });

  it('gives the busiest process’s share of the CPU time', () => {
    assert.equal(busiestCpuPercent([1, 3]), 75);
    assert.equal(busiestCpuPercent([0, 0]), undefined);
  });
});

describe('sampleShare', { skip: !commandExists('ss') && 'ss is not installed' }, () => {
  it('finds the connections a process accepted on the port, each counted once', async () => {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const clients = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    try {
      const sampler = sampleShare(port, [process.pid], 50);
      await new Promise((resolve) => setTimeout(resolve, 400)); // several samples of the same 5
      const share = await sampler.stop();
      assert.deepEqual(share.counts, [{ pid: process.pid, connections: 5 }]);
      assert.equal(share.busiestPercent, 100);
    } finally {
      for (const socket of [...clients, ...accepted]) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
