// `listeners[].reuse_port`: each worker binds its own SO_REUSEPORT socket. What it cannot do is an
// error (port 0, user:), what it does not do a warning (single_process, a kernel that resets the
// connections queued on a closing socket); and a reload may not switch it on an address it keeps.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { CheckContext } from '../../../src/config/check-context.ts';
import { checkReusePort } from '../../../src/config/reuse-port-check.ts';
import type { RawConfig } from '../../../src/config/schema.ts';
import type { Problem } from '../../../src/problems.ts';
import { reusePortChange } from '../../../src/serve/cluster/restart-only.ts';
import { addressesToClaim } from '../../../src/serve/cluster/reuse-port-claim.ts';
import { type FixtureDir, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

/** valid.yaml on a fixed port, with `top` before `listeners:` and `listener` after its address. */
async function check(top: string, listener: string, address = '127.0.0.1:18443') {
  const { file } = fx.place('valid.yaml', (t) =>
    t
      .replace('listeners:\n', `${top}listeners:\n`)
      .replace('    address: 127.0.0.1:0\n', `    address: ${address}\n${listener}`),
  );
  return checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } });
}

/** checkReusePort alone, with the sysctl's value given. */
function problems(raw: Partial<RawConfig>, migrate: string | undefined): Problem[] {
  const out: Problem[] = [];
  const ctx = {
    add: (severity, where, message, hint) => out.push({ severity, path: where, message, hint }),
  } as Pick<CheckContext, 'add'> as CheckContext;
  checkReusePort(ctx, { listeners: [], ...raw } as RawConfig, () => migrate);
  return out;
}

const on = (address = '127.0.0.1:8443') =>
  ({ listeners: [{ address, reuse_port: true }] }) as Partial<RawConfig>;

test('reuse_port: true is in the plan; left out or false, it is not', async () => {
  const r = await check('workers: 2\n', '    reuse_port: true\n');
  assert.ok(r.plan, JSON.stringify(r.problems));
  assert.equal(r.plan.listeners[0]?.reusePort, true);
  assert.equal((await check('', '')).plan?.listeners[0]?.reusePort, undefined);
  assert.equal((await check('', '    reuse_port: false\n')).plan?.listeners[0]?.reusePort, undefined);
  const wrong = await check('', '    reuse_port: yes\n');
  assert.ok(wrong.problems.some((p) => /reuse_port is true or false/.test(p.message)));
});

test('reuse_port with port 0 or with user: is an error with a hint', async () => {
  const zero = await check('', '    reuse_port: true\n', '127.0.0.1:0');
  const p = zero.problems.find((x) => x.path === 'listeners[0].reuse_port' && x.severity === 'error');
  assert.ok(p, JSON.stringify(zero.problems));
  assert.match(p.message, /port 0: each worker would bind a free port of its own/);
  assert.equal(zero.plan, undefined);
  const user = problems({ ...on(), user: 'nobody' }, '1');
  assert.equal(user.length, 1);
  assert.equal(user[0]?.severity, 'error');
  assert.match(user[0]?.message ?? '', /cannot be combined with user:/);
  assert.match(user[0]?.hint ?? '', /CAP_NET_BIND_SERVICE/);
});

test('with single_process, reuse_port is a warning that it does nothing', () => {
  const r = problems({ ...on(), single_process: true }, '0');
  assert.deepEqual(
    r.map((p) => [p.severity, p.path]),
    [['warning', 'listeners[0].reuse_port']],
  );
  assert.match(r[0]?.message ?? '', /no effect with single_process/);
});

test('the kernel: a warning unless net.ipv4.tcp_migrate_req is 1', () => {
  assert.deepEqual(problems(on(), '1'), []);
  const off = problems(on(), '0');
  assert.equal(off[0]?.severity, 'warning');
  assert.match(
    off[0]?.message ?? '',
    /tcp_migrate_req is 0: connections waiting in a worker's accept queue are reset/,
  );
  assert.match(off[0]?.hint ?? '', /tcp_migrate_req = 1/);
  const none = problems(on(), undefined);
  assert.match(none[0]?.message ?? '', /Linux < 5\.14/);
  assert.deepEqual(problems({ listeners: [{ address: ':8443' }] } as Partial<RawConfig>, '0'), []);
});

test('a reload may not switch reuse_port on an address it keeps; a new address may have it', async () => {
  const shared = (await check('', '')).plan;
  const own = (await check('', '    reuse_port: true\n')).plan;
  const elsewhere = (await check('', '    reuse_port: true\n', '127.0.0.1:18444')).plan;
  assert.ok(shared && own && elsewhere);
  assert.equal(reusePortChange(own, own), undefined);
  assert.equal(reusePortChange(elsewhere, shared), undefined);
  assert.match(
    reusePortChange(own, shared) ?? '',
    /reuse_port on 127\.0\.0\.1:18443 changes only at a restart/,
  );
  assert.match(reusePortChange(shared, own) ?? '', /bind it each with SO_REUSEPORT/);
  const allShared = (await check('', '', ':18445')).plan;
  const allOwn = (await check('', '    reuse_port: true\n', ':18445')).plan;
  assert.ok(allShared && allOwn);
  assert.match(reusePortChange(allOwn, allShared) ?? '', /reuse_port on \[::\]:18445 changes/);
  // The primary test-binds only what the running workers do not hold already.
  assert.deepEqual(addressesToClaim(own), [{ host: '127.0.0.1', port: 18443 }]);
  assert.deepEqual(addressesToClaim(own, own), []);
  assert.deepEqual(addressesToClaim(shared), []);
});
