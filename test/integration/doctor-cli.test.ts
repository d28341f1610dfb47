// `tlsterm doctor` on this machine: the kernel TLS checklist agrees with what /proc shows, and a
// config's loose key file and taken port are reported (the port as a failure), a clock behind the
// certificates too.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkConfigFile } from '../../src/config/index.ts';
import { clockItems, type DoctorReport } from '../../src/doctor/index.ts';
import { freePort } from '../helpers/net.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tlsterm');
const tmp = makeTempDir('doctor-cli');
let holder: net.Server;
let heldPort: number;
let freeOne: number;
let configPath: string;

const doctor = (args: readonly string[]) =>
  run(process.execPath, [BIN, 'doctor', ...args], { timeoutMs: 30_000 });
const item = (r: DoctorReport, id: string) => r.items.find((i) => i.id === id);

before(async () => {
  const pki = await makePki(tmp.dir);
  chmodSync(pki.chains.ec.keyPath, 0o644);
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  heldPort = (holder.address() as net.AddressInfo).port;
  freeOne = await freePort();
  configPath = path.join(tmp.dir, 'tlsterm.yaml');
  writeFileSync(
    configPath,
    `extra_ca: [${pki.rootPath}]
listeners:
  - name: taken
    address: 127.0.0.1:${heldPort}
    sites:
      - hosts: [localhost]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
  - name: free
    address: 127.0.0.1:${freeOne}
    sites:
      - hosts: [localhost]
        certificates: [{ cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }]
        handler: inspect
`,
  );
});

after(() => {
  holder.close();
  tmp.cleanup();
});

describe('tlsterm doctor', () => {
  it('without a config: the machine only, and kernel TLS as /proc shows it', async () => {
    const r = await doctor(['--json']);
    assert.equal(r.code, 0, r.all);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.equal(item(report, 'config.absent')?.status, 'not_tested');
    assert.equal(item(report, 'runtime.pq')?.status, 'ok', 'Node 24 bundles OpenSSL 3.5 with X25519MLKEM768');
    const kernel = item(report, 'ktls.kernel');
    const observe = item(report, 'ktls.observe');
    if (existsSync('/proc/net/tls_stat')) {
      assert.equal(kernel?.status, 'ok');
      assert.equal(observe?.status, 'ok');
    } else {
      assert.notEqual(kernel?.status, 'ok');
      assert.match(observe?.detail ?? '', /absent/);
    }
    const server = item(report, 'ktls.server');
    assert.match(server?.detail ?? '', /^No\. /);
    assert.equal(server?.facts?.ran, true, 'the test connection ran');
    assert.match(server?.detail ?? '', /memory BIOs/);
  });

  it('with a config: loose key, taken port (exit 1)', async () => {
    const r = await doctor(['-c', configPath, '--json']);
    assert.equal(r.code, 1, r.all);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const key = report.items.find((i) => i.id.startsWith('certs.key_mode.'));
    assert.equal(key?.status, 'warning');
    assert.match(key?.detail ?? '', /mode 0644/);
    assert.ok(report.items.some((i) => i.id.startsWith('certs.clock.') && i.status === 'ok'));
    assert.equal(item(report, 'listeners.bind.taken')?.status, 'error');
    assert.match(item(report, 'listeners.bind.taken')?.hint ?? '', new RegExp(`sport = :${heldPort}`));
    assert.equal(item(report, 'listeners.bind.free')?.status, 'ok');
    assert.ok(item(report, 'ktls.cipher.taken'), 'the cipher item names each listener');
  });

  it('a clock behind the certificates is an error (the clock item, at a past "now")', async () => {
    const { plan } = await checkConfigFile(configPath);
    assert.ok(plan);
    const behind = clockItems(plan, new Date(Date.now() - 10 * 86_400_000));
    assert.ok(behind.length > 0 && behind.every((i) => i.status === 'error'));
    assert.match(behind[0]?.detail ?? '', /before the certificate's notBefore/);
  });

  it('a config with errors: said, and the checks that need it are not tested', async () => {
    const bad = path.join(tmp.dir, 'bad.yaml');
    writeFileSync(bad, 'listeners: []\n');
    const r = await doctor(['-c', bad, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.equal(item(report, 'config')?.status, 'error');
    assert.equal(item(report, 'config.absent')?.status, 'not_tested');
    assert.match(item(report, 'config.absent')?.detail ?? '', /has errors/);
  });

  it('text output: a line per item, FAIL marks, a summary', async () => {
    const r = await doctor(['-c', configPath]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Kernel TLS \(seed 001 checklist\)/);
    assert.match(r.stdout, /\[FAIL\] Listener taken/);
    assert.match(r.stdout, /\[WARN\] Key file/);
    assert.match(r.stdout, /\d+ error\(s\), \d+ warning\(s\)/);
  });
});
