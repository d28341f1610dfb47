// A real capture: dumpcap on the loopback interface while Node's client talks to Node's server.
// The pcapng (and the same file with the key log embedded by `editcap --inject-secrets`) decrypts
// and agrees with tshark. Skipped, saying why, where capturing is not allowed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decryptCapture } from '../../src/trace/capture.ts';
import { parseKeyLog } from '../../src/wire/keylog.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { captureGet, hasTshark, run, startHttpsServer, tsharkDecrypted } from './trace-harness.ts';

async function canCapture(): Promise<string | false> {
  if (!fs.existsSync('/usr/bin/dumpcap')) return 'dumpcap is not installed';
  try {
    await run('/usr/bin/dumpcap', ['-D']);
    const { stdout } = await run('/usr/bin/dumpcap', ['-D']);
    if (!/\blo\b/.test(stdout)) return 'dumpcap sees no loopback interface';
  } catch (error) {
    return `dumpcap cannot list interfaces here: ${(error as Error).message.split('\n')[0]}`;
  }
  return false;
}

const skip = await canCapture();

describe('a dumpcap capture of a real connection', {
  skip: skip || (hasTshark ? false : 'tshark is not installed'),
}, () => {
  const tmp = makeTempDir('trace-dumpcap');
  let pki: Pki;
  before(async () => {
    pki = await makePki(tmp.dir);
  });
  after(() => tmp.cleanup());

  it('decrypts the pcapng with the key log, and with the key log embedded in it', async () => {
    const server = await startHttpsServer({ cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem });
    const file = path.join(tmp.dir, 'lo.pcapng');
    const dumpcap = spawn(
      '/usr/bin/dumpcap',
      ['-q', '-i', 'lo', '-f', `tcp port ${server.port}`, '-w', file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${stderr}`)), 15_000);
        dumpcap.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/Capturing on/.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      // "Capturing on" comes before packets do: knock on the port until the file shows them.
      const size = (): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
      const start = Math.max(size(), 1);
      for (let i = 0; i < 100 && size() <= start; i++) {
        await new Promise<void>((resolve) => {
          const probe = net.connect(server.port, '127.0.0.1', () => probe.end());
          probe.on('error', () => resolve());
          probe.on('close', () => resolve());
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      const capture = await captureGet(server.port);
      await new Promise((r) => setTimeout(r, 500)); // let the last packets reach the file
      const keys = path.join(tmp.dir, 'lo.keys');
      fs.writeFileSync(keys, capture.keyLogText);
      dumpcap.kill('SIGINT');
      await new Promise((resolve) => dumpcap.once('exit', resolve));

      const result = decryptCapture(new Uint8Array(fs.readFileSync(file)), {
        keyLog: parseKeyLog(capture.keyLogText),
      });
      assert.ok(result.ok);
      assert.equal(result.value.format, 'pcapng');
      const [s] = result.value.report.sessions;
      assert.ok(
        s,
        `no TLS session among ${result.value.packets} packets (${result.value.warnings.join('; ')}); dumpcap: ${stderr}`,
      );
      assert.equal(s.decrypted, true, s.why_not ?? '');
      assert.equal(s.server, `127.0.0.1:${server.port}`);
      const ours = s.records
        .filter((r) => r.encrypted && r.decrypted)
        .map((r) => Buffer.from(r.plaintext_b64 ?? '', 'base64').toString('hex'));
      assert.deepEqual(ours, await tsharkDecrypted(file, { keylog: keys }));

      const embedded = path.join(tmp.dir, 'lo-dsb.pcapng');
      await run('/usr/bin/editcap', ['--inject-secrets', `tls,${keys}`, file, embedded]);
      const alone = decryptCapture(new Uint8Array(fs.readFileSync(embedded)));
      assert.ok(alone.ok);
      assert.equal(alone.value.report.sessions[0]?.decrypted, true);
      assert.ok(alone.value.warnings.some((w) => /key log lines embedded in the pcapng/.test(w)));
    } finally {
      dumpcap.kill('SIGKILL');
      await server.close();
    }
  });
});
