// What a user gets from the registry: `npm pack`, then the tarball installed into an empty
// directory, run from under node_modules (where Node refuses to strip TypeScript types, so the
// package must ship compiled JS). `npx tlsterm --version`, `tlsterm check` on a config, and `serve`
// on the embedded default answering one curl request; and the library face type-checks for a
// TypeScript consumer through its .d.ts.
//
// No network: the install uses a lockfile made from this repository's (the production entries
// only, same versions and integrity), so npm takes every dependency's tarball from its cache,
// where this repository's own install put them (`npm install --offline`).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// npm and npx from PATH, run by this Node (its directory first on PATH).
const NPM = 'npm';
const NPX = 'npx';
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let project: string;
let tarball: string;

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

const sh = (cmd: string, args: readonly string[], cwd: string, timeoutMs = 180_000) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // A grandchild may hold the pipes after a kill: the timeout resolves too.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, out: `${out}\n(killed after ${timeoutMs} ms)` });
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, out: `${out}${String(e)}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });

before(
  async () => {
    tmp = makeTempDir('package-tarball');
    pki = await makePki(path.join(tmp.dir, 'pki'));
    const packed = await sh(NPM, ['pack', '--silent', '--pack-destination', tmp.dir], ROOT);
    assert.equal(packed.code, 0, packed.out);
    const name = packed.out.trim().split('\n').pop() ?? '';
    tarball = path.join(tmp.dir, name);
    assert.ok(fs.existsSync(tarball), packed.out);

    project = path.join(tmp.dir, 'app');
    fs.mkdirSync(project);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
      bin: Record<string, string>;
      engines: Record<string, string>;
      license: string;
    };
    const spec = `file:../${name}`;
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { tlsterm: spec } }),
    );
    const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const packages: Record<string, LockEntry> = {
      '': { name: 'app', dependencies: { tlsterm: spec } },
      'node_modules/tlsterm': {
        version: pkg.version,
        resolved: spec,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [key, entry] of Object.entries(repoLock.packages))
      if (key !== '' && entry.dev !== true && entry.devOptional !== true) packages[key] = entry;
    fs.writeFileSync(
      path.join(project, 'package-lock.json'),
      JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2),
    );
    const installed = await sh(
      NPM,
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
      project,
    );
    assert.equal(installed.code, 0, installed.out);
    // npm pack compiles the whole tree (prepack): a minute under a loaded CI machine.
  },
  { timeout: 400_000 },
);

after(() => tmp?.cleanup());

test('the tarball holds compiled JS and declarations, not the TypeScript sources', async () => {
  const list = await sh('tar', ['tzf', tarball], tmp.dir);
  const files = list.out.split('\n');
  assert.ok(files.includes('package/bin/tlsterm'));
  assert.ok(files.includes('package/dist/cli/main.js'));
  assert.ok(files.includes('package/dist/index.d.ts'));
  assert.ok(files.includes('package/contrib/systemd/tlsterm.service'));
  assert.equal(
    files.filter((f) => f.startsWith('package/src/')).length,
    0,
    'no src/: bin/tlsterm would try to run it',
  );
});

test('npx tlsterm --version and tlsterm check run from node_modules', async () => {
  const version = await sh(NPX, ['--offline', 'tlsterm', '--version'], project);
  assert.equal(version.code, 0, version.out);
  assert.match(version.out, /^tlsterm \d+\.\d+\.\d+ \(Node 24/);

  const config = path.join(project, 'tlsterm.yaml');
  fs.writeFileSync(
    config,
    `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`,
  );
  const check = await sh(path.join(project, 'node_modules/.bin/tlsterm'), ['check', '-c', config], project);
  assert.equal(check.code, 0, check.out);
  assert.doesNotMatch(check.out, /ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING/);
});

test('serve on the embedded default answers a curl request', async () => {
  // The embedded default: localhost:8443, a local CA made in the state directory.
  const state = path.join(tmp.dir, 'default-state');
  const serve: ChildProcess = spawn(
    path.join(project, 'node_modules/.bin/tlsterm'),
    ['serve', '--state-dir', state, '--workers', '1'],
    { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  serve.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  serve.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  try {
    const deadline = Date.now() + 60_000;
    while (!/"event":"started"/.test(out) && serve.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /"event":"started"/, out);
    const listening = /"port":(\d+)/.exec(out.slice(out.indexOf('"event":"started"')));
    const served = Number(listening?.[1]);
    const curl = await run('curl', [
      '-sS',
      '--cacert',
      path.join(state, 'ca/ca.pem'),
      '--resolve',
      `localhost:${served}:127.0.0.1`,
      `https://localhost:${served}/`,
    ]);
    assert.equal(curl.code, 0, curl.all);
    assert.match(curl.stdout, /TLS/);
  } finally {
    await stopChild(serve);
  }
});

test('the library face type-checks through the shipped .d.ts', async () => {
  fs.writeFileSync(
    path.join(project, 'use.ts'),
    "import { TlstermError } from 'tlsterm';\nexport const isOurs = (e: unknown): boolean => e instanceof TlstermError;\n",
  );
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', target: 'es2024', strict: true, noEmit: true, types: ['node'] },
      files: ['use.ts'],
    }),
  );
  // This repository's TypeScript and Node types, as a consumer would have them.
  fs.symlinkSync(path.join(ROOT, 'node_modules/@types'), path.join(project, 'node_modules/@types'));
  const tsc = await run(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project],
    {
      timeoutMs: 120_000,
    },
  );
  assert.equal(tsc.code, 0, tsc.all);
});
