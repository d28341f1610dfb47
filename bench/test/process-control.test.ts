import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { freePort } from '../lib/ports.ts';
import { cpuSeconds, processTree, rssBytes } from '../lib/proc.ts';
import { killAll, startServer } from '../lib/server-process.ts';

after(killAll);

describe('/proc readings', () => {
  it('finds a child in the process tree and reads its memory', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const tree = processTree(process.pid);
      assert.equal(tree[0], process.pid);
      assert.ok(tree.includes(child.pid!), 'child listed under its parent');
      assert.ok(rssBytes([process.pid]) > 10 * 1024 * 1024, 'a Node process is over 10 MiB resident');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('sees CPU time go up after busy work', () => {
    // Busy until /proc shows the CPU time grow (bounded at 10 s of wall time): on a loaded machine
    // a fixed wall-clock loop may get little CPU, which is not what this test is about.
    const before = cpuSeconds([process.pid]);
    const until = performance.now() + 10_000;
    let x = 0;
    while (cpuSeconds([process.pid]) - before < 0.05 && performance.now() < until)
      for (let i = 0; i < 1e6; i++) x += Math.sqrt(x + 1);
    assert.ok(x > 0);
    assert.ok(cpuSeconds([process.pid]) - before >= 0.05, 'the busy loop shows in /proc');
  });

  it('gives nothing for a process that does not exist', () => {
    assert.deepEqual(processTree(2 ** 22 + 1), []);
    assert.equal(cpuSeconds([2 ** 22 + 1]), 0);
  });
});

describe('startServer', () => {
  const listenOn = (port: number): string[] => [
    '-e',
    `require('node:net').createServer((s) => s.end()).listen(${port}, '127.0.0.1')`,
  ];

  it('returns once the port accepts connections, and stop() ends the process', async () => {
    const port = await freePort();
    const started = await startServer({
      name: 'echo',
      command: process.execPath,
      args: listenOn(port),
      port,
    });
    assert.ok(started.ok, started.ok ? '' : started.error);
    const { server } = started;
    assert.deepEqual(server.pids(), [server.pid], 'the shell exec()ed: the pid is the server itself');
    await server.stop();
    assert.deepEqual(processTree(server.pid), []);
  });

  it('reports a server that exits at start-up, with its stderr', async () => {
    const started = await startServer({
      name: 'broken',
      command: process.execPath,
      args: ['-e', 'console.error("bad config line 3"); process.exit(3)'],
      port: await freePort(),
    });
    assert.equal(started.ok, false);
    assert.match(started.ok ? '' : started.error, /broken: exited with code 3\nbad config line 3/);
  });

  it('gives up on a server that never listens', async () => {
    const started = await startServer({
      name: 'silent',
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 60000)'],
      port: await freePort(),
      readyTimeoutMs: 500,
    });
    assert.equal(started.ok, false);
    assert.match(started.ok ? '' : started.error, /not accepting connections/);
  });
});
