// `tlsterm cert status` as a user runs it: text for people, --json for scripts, exit 1 when a
// certificate is in the error band (fewer than 3 days left) so monitoring can alert on it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir } from '../helpers/pki.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlsterm');
let tmp: ReturnType<typeof makeTempDir>;
let config: string;

function tlsterm(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

before(async () => {
  tmp = makeTempDir('cert-status-cli');
  const pki = await makePki(path.join(tmp.dir, 'pki'));
  const ok = await pki.issue(['ok.test'], { name: 'ok', validDays: 60 });
  const dying = await pki.issue(['dying.test'], { name: 'dying', validDays: 2 });
  config = path.join(tmp.dir, 'tlsterm.yaml');
  fs.writeFileSync(
    config,
    `state_dir: state
extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [ok.test]
        certificates: [{ cert: ${ok.fullchainPath}, key: ${ok.keyPath} }]
        handler: inspect
      - hosts: [dying.test]
        certificates: [{ cert: ${dying.fullchainPath}, key: ${dying.keyPath} }]
        handler: inspect
      - hosts: [auto.example.test]
        acme: { email: ops@example.test, directory: 'https://acme-staging-v02.api.letsencrypt.org/directory', challenge: http-01 }
        handler: inspect
`,
  );
});
after(() => tmp.cleanup());

test('text: every certificate with source, names, serial, expiry; exit 1 for the one with 1 day left', async () => {
  const r = await tlsterm(['cert', 'status', '-c', config]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^listeners\[0\]\.sites\[0\]\.certificates\[0\] {2}files$/m);
  assert.match(r.stdout, /^ {2}names {5}ok\.test$/m);
  assert.match(r.stdout, /^ {2}expires {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC \(59 days left\)$/m);
  assert.match(
    r.stdout,
    /^ {2}error: certificate CN=dying\.test \(serial [0-9A-F]+\) expires in 1 day, on /m,
  );
  assert.match(r.stdout, /^listeners\[0\]\.sites\[2\]\.acme {2}acme \(auto\.example\.test, missing\)$/m);
  assert.match(r.stdout, /^3 certificates: 1 with errors, 1 with warnings$/m);
});

test('--json for scripts', async () => {
  const r = await tlsterm(['cert', 'status', '-c', config, '--json']);
  const rows = JSON.parse(r.stdout) as {
    id: string;
    source: string;
    daysLeft?: number;
    expiry?: { severity: string };
  }[];
  assert.deepEqual(
    rows.map((x) => [x.source, x.daysLeft ?? null, x.expiry?.severity ?? null]),
    [
      ['files', 59, null],
      ['files', 1, 'error'],
      ['acme', null, null],
    ],
  );
});

test('usage errors and the embedded default without a local CA yet', async () => {
  const bad = await tlsterm(['cert', 'renew']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown cert subcommand "renew"/);
  const none = await tlsterm(['cert', 'status'], { TLSTERM_STATE_DIR: path.join(tmp.dir, 'empty') });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no config given and no local CA certificate/);
  const help = await tlsterm(['--help']);
  assert.match(help.stdout, /tlsterm cert status \[-c FILE\]/);
});
