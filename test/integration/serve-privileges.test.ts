// `user:`/`group:`: started as root, the primary and every worker serve as that user once the
// listeners are bound and the keys read; a reload (new workers, certificates read again) works as
// that user; `check` warns when a key is readable by root only (certbot's archive/ story); and a
// non-root start with another user set is refused with what to do. Runs as root (CI does).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { type ServeProcess, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const isRoot = process.getuid?.() === 0;
const hasNobody = /^nobody:x:65534:/m.test(fs.readFileSync('/etc/passwd', 'utf8'));
const skip = !isRoot ? 'needs root (CI runs as root)' : !hasNobody ? 'needs the nobody user' : false;

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
/** A directory nobody may enter, with the pair readable by group nogroup (0640). */
let shared: string;

before(async () => {
  tmp = makeTempDir('serve-privileges');
  pki = await makePki(path.join(tmp.dir, 'pki'));
  shared = fs.mkdtempSync('/tmp/tlsterm-privileges-');
  fs.chmodSync(shared, 0o755);
  fs.copyFileSync(pki.chains.ec.fullchainPath, path.join(shared, 'fullchain.pem'));
  fs.copyFileSync(pki.chains.ec.keyPath, path.join(shared, 'privkey.pem'));
  fs.chmodSync(path.join(shared, 'fullchain.pem'), 0o644);
  if (isRoot) fs.chownSync(path.join(shared, 'privkey.pem'), 0, 65534);
  fs.chmodSync(path.join(shared, 'privkey.pem'), 0o640);
});
after(() => {
  tmp?.cleanup();
  fs.rmSync(shared, { recursive: true, force: true });
});

const config = (key: string) => `state_dir: ${shared}/state
user: nobody
group: nogroup
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${shared}/fullchain.pem, key: ${key} }]
        handler: inspect
`;

const ids = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    uid: /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1).map(Number),
    gid: /^Gid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1).map(Number),
    groups: /^Groups:\s*(.*)$/m.exec(status)?.[1]?.trim() ?? '',
  };
};
const childrenOf = (pid: number): number[] =>
  fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

test('started as root with user: nobody, the primary and the workers serve as nobody; a reload works', {
  skip,
}, async () => {
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe(shared, config(`${shared}/privkey.pem`), ['--workers', '2'], 'privileges.yaml');
    const dropped = await serve.waitFor((e) => e['event'] === 'privileges_dropped', 10_000);
    assert.equal(dropped['user'], 'nobody');
    const primary = ids(serve.pid);
    assert.deepEqual(primary.uid, [65534, 65534, 65534], 'real, effective and saved uid');
    assert.deepEqual(primary.gid, [65534, 65534, 65534]);
    assert.equal(primary.groups, '65534', 'root’s supplementary groups are gone');
    const workers = childrenOf(serve.pid);
    assert.equal(workers.length, 2);
    for (const w of workers) assert.deepEqual(ids(w).uid, [65534, 65534, 65534], `worker ${w}`);

    const curl = () =>
      run('curl', [
        '-sS',
        '--cacert',
        pki.rootPath,
        '--resolve',
        `example.test:${serve?.port}:127.0.0.1`,
        `https://example.test:${serve?.port}/`,
      ]);
    const served = await curl();
    assert.equal(served.code, 0, served.all);

    // Reload as nobody: new workers, the config and keys read again, the port kept.
    const reload = await run(process.execPath, [BIN, 'reload', '-c', path.join(shared, 'privileges.yaml')], {
      timeoutMs: 60_000,
    });
    assert.equal(reload.code, 0, reload.all);
    const after = childrenOf(serve.pid);
    for (const w of after) assert.deepEqual(ids(w).uid?.[1], 65534);
    assert.equal((await curl()).code, 0);
  } finally {
    await serve?.stop();
  }
});

test('check warns when a key is readable by root only and user: is set', { skip }, async () => {
  const rootOnly = path.join(shared, 'root-only');
  fs.mkdirSync(rootOnly, { mode: 0o700 });
  fs.copyFileSync(pki.chains.ec.keyPath, path.join(rootOnly, 'privkey.pem'));
  const file = path.join(shared, 'root-only.yaml');
  fs.writeFileSync(file, config(`${rootOnly}/privkey.pem`));
  const r = await run(process.execPath, [BIN, 'check', '-c', file]);
  assert.match(r.all, /root-only\/privkey\.pem is not readable by nobody \(user:\)/);
  assert.match(r.all, /archive\//);
});

test('a start as another non-root user with user: set is refused with what to do', { skip }, async () => {
  const file = path.join(shared, 'as-other.yaml');
  fs.writeFileSync(
    file,
    config(`${shared}/privkey.pem`).replace('user: nobody', 'user: root').replace('group: nogroup\n', ''),
  );
  // setpriv: run the same command as nobody (the node binary and the checkout are world-readable).
  const r = await run(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'serve', '-c', file],
    {
      timeoutMs: 60_000,
    },
  );
  assert.equal(r.code, 1, r.all);
  assert.match(r.stderr, /not starting: user: root is set, but tlsterm runs as uid 65534, not root/);
  assert.match(r.stderr, /hint: start it as root/);
});
