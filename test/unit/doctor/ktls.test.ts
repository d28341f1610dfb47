// The seed 001 kernel TLS checklist from fake machines: a kernel with the tls module loaded (and a
// /proc/net/tls_stat), one that could load it, one built without it, one that cannot be read.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  cipherQualifiesForKtls,
  ktlsChecklist,
  parseTlsStat,
  readKernelTls,
  runKtlsExperiment,
  type SystemView,
  systemView,
} from '../../../src/doctor/index.ts';
import { makeTempDir } from '../../helpers/pki.ts';

const STAT = `TlsCurrTxSw                     	2
TlsCurrRxSw                     	2
TlsCurrTxDevice                 	0
TlsCurrRxDevice                 	0
TlsTxSw                         	41
TlsRxSw                         	40
TlsTxDevice                     	0
TlsRxDevice                     	0
TlsDecryptError                 	0
TlsRxDeviceResync               	0
TlsDecryptRetry                 	0
TlsRxNoPadViolation             	0
`;

const tmp = makeTempDir('doctor-ktls');
after(() => tmp.cleanup());

/** A fake root with the given files (paths absolute, as on the machine). */
function fakeRoot(name: string, files: Record<string, string | Buffer>): SystemView {
  const root = path.join(tmp.dir, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
  mkdirSync(root, { recursive: true });
  return systemView(root);
}

const noExperiment = { ran: false, why: 'not run in this test', optionExposed: false } as const;

describe('doctor: kernel TLS', () => {
  it('parses /proc/net/tls_stat', () => {
    const m = parseTlsStat(STAT);
    assert.equal(m.get('TlsTxSw'), 41);
    assert.equal(m.get('TlsCurrRxSw'), 2);
    assert.equal(m.size, 12);
  });

  it('a loaded module: item 1 ok, item 5 shows the counters', () => {
    const sys = fakeRoot('loaded', {
      '/proc/sys/kernel/osrelease': '6.1.0-28-amd64\n',
      '/proc/net/tls_stat': STAT,
      '/proc/modules': 'tls 151552 0 - Live 0x0000000000000000\n',
      '/sys/module/tls/refcnt': '0\n',
    });
    const k = readKernelTls(sys);
    assert.equal(k.loaded, true);
    const items = ktlsChecklist(k, noExperiment, []);
    assert.equal(items.find((i) => i.id === 'ktls.kernel')?.status, 'ok');
    const observe = items.find((i) => i.id === 'ktls.observe');
    assert.equal(observe?.status, 'ok');
    assert.equal(observe?.facts?.TlsTxSw, 41);
  });

  it('a loadable module: says modprobe tls', () => {
    const sys = fakeRoot('loadable', {
      '/proc/sys/kernel/osrelease': '6.1.0-28-amd64\n',
      '/lib/modules/6.1.0-28-amd64/kernel/net/tls/tls.ko.xz': 'x',
      '/boot/config-6.1.0-28-amd64': 'CONFIG_MODULES=y\nCONFIG_TLS=m\n',
    });
    const k = readKernelTls(sys);
    assert.equal(k.config, 'module');
    const kernel = ktlsChecklist(k, noExperiment, []).find((i) => i.id === 'ktls.kernel');
    assert.equal(kernel?.status, 'info');
    assert.match(kernel?.hint ?? '', /modprobe tls/);
  });

  it('a kernel built without CONFIG_TLS (read from /proc/config.gz) says so and why', () => {
    const sys = fakeRoot('absent', {
      '/proc/sys/kernel/osrelease': '6.18.44-fc\n',
      '/proc/config.gz': gzipSync('# CONFIG_MODULES is not set\n# CONFIG_TLS is not set\n'),
    });
    const kernel = ktlsChecklist(readKernelTls(sys), noExperiment, []).find((i) => i.id === 'ktls.kernel');
    assert.equal(kernel?.status, 'info');
    assert.match(kernel?.detail ?? '', /built without CONFIG_TLS and loads no modules/);
  });

  it('nothing readable: not tested, never "no"', () => {
    const sys = fakeRoot('unknown', {});
    const kernel = ktlsChecklist(readKernelTls(sys), noExperiment, []).find((i) => i.id === 'ktls.kernel');
    assert.equal(kernel?.status, 'not_tested');
  });

  it('the experiment against a fake tls_stat whose counters stay still: 0 records moved', async () => {
    const sys = fakeRoot('still', { '/proc/net/tls_stat': STAT });
    const exp = await runKtlsExperiment(sys);
    assert.equal(exp.ran, true);
    assert.equal(exp.recordsMoved, 0);
    assert.equal(exp.version, 'TLSv1.3');
    assert.equal(exp.cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(exp.bytes, 256 * 1024);
    const server = ktlsChecklist(readKernelTls(sys), exp, []).find((i) => i.id === 'ktls.server');
    assert.match(server?.detail ?? '', /moved the kernel's TLS counters by 0 records/);
  });

  it('counters that move while it runs are not pinned on Node', async () => {
    let reads = 0;
    const sys: SystemView = {
      read: (p) => (p === '/proc/net/tls_stat' ? STAT.replace('41', String(41 + 10 * reads++)) : undefined),
      exists: () => false,
      kernelRelease: undefined,
    };
    const exp = await runKtlsExperiment(sys);
    assert.equal(exp.recordsMoved, 10);
    const server = ktlsChecklist(readKernelTls(sys), exp, []).find((i) => i.id === 'ktls.server');
    assert.match(server?.detail ?? '', /cannot be pinned on Node/);
  });

  it('which ciphers Linux kTLS carries', () => {
    assert.equal(cipherQualifiesForKtls('AES-128-GCM'), true);
    assert.equal(cipherQualifiesForKtls('CHACHA20-POLY1305'), true);
    assert.equal(cipherQualifiesForKtls('AES-128-CBC'), false);
  });
});
