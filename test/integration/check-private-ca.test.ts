// A complete chain from a private CA (leaf + intermediate; the root in no trust store, not listed
// under extra_ca): `check` warns "root not in the trust store" and exits 0, and `serve` serves it.
// A leaf without its intermediate is refused as "missing intermediate".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';
import { sClient, startServe } from './serve-harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('check-private-ca');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp?.cleanup());

const config = (cert: string, key: string) => `state_dir: ${tmp.dir}/state
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${cert}, key: ${key} }]
        handler: inspect
`;

test('private CA full chain: check warns about the root and exits 0; serve serves the chain', async () => {
  const file = path.join(tmp.dir, 'full.yaml');
  fs.writeFileSync(file, config(pki.chains.ec.fullchainPath, pki.chains.ec.keyPath));
  const checked = await run(process.execPath, [BIN, 'check', '-c', file], { timeoutMs: 20_000 });
  assert.equal(checked.code, 0, checked.all);
  assert.match(checked.all, /warning: root not in the trust store/);
  assert.doesNotMatch(checked.all, /missing intermediate/);

  const serve = await startServe(tmp.dir, config(pki.chains.ec.fullchainPath, pki.chains.ec.keyPath), [
    '--workers',
    '1',
  ]);
  try {
    const out = sClient(serve.port, ['-servername', 'example.test', '-CAfile', pki.rootPath]);
    assert.match(out, /i:CN ?= ?tlsterm Test Intermediate CA/, out);
    assert.match(out, /Verify return code: 0 \(ok\)/, out);
  } finally {
    await serve.stop();
  }
});

test('a leaf alone from a private CA with an intermediate: check and serve refuse it (missing intermediate)', async () => {
  const leafOnly = await pki.scenario('leaf-only');
  const file = path.join(tmp.dir, 'leaf.yaml');
  fs.writeFileSync(file, config(leafOnly.fullchainPath, leafOnly.keyPath));
  const checked = await run(process.execPath, [BIN, 'check', '-c', file], { timeoutMs: 20_000 });
  assert.equal(checked.code, 1, checked.all);
  assert.match(checked.all, /error: missing intermediate: the leaf certificate \(CN=localhost\)/);
  const served = await run(process.execPath, [BIN, 'serve', '-c', file], { timeoutMs: 20_000 });
  assert.equal(served.code, 1, served.all);
  assert.match(served.all, /missing intermediate/);
});
