// A real capture: dumpcap on the loopback interface while Node's client talks to Node's server.
// The pcapng (and the same file with the key log embedded by `editcap --inject-secrets`) decrypts
// and agrees with tshark. Skipped, saying why, where capturing is not allowed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decryptCapture } from '../../src/trace/capture.ts';
import { parseKeyLog } from '../../src/wire/keylog.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { cannotCapture, capture } from './decrypt-harness.ts';
import { captureGet, hasTshark, run, startHttpsServer, tsharkDecrypted } from './trace-harness.ts';

const skip = await cannotCapture();

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
    try {
      let got: Awaited<ReturnType<typeof captureGet>> | undefined;
      await capture(file, server.port, async () => {
        got = await captureGet(server.port);
      });
      assert.ok(got);
      const keys = path.join(tmp.dir, 'lo.keys');
      fs.writeFileSync(keys, got.keyLogText);

      const result = decryptCapture(new Uint8Array(fs.readFileSync(file)), {
        keyLog: parseKeyLog(got.keyLogText),
      });
      assert.ok(result.ok);
      assert.equal(result.value.format, 'pcapng');
      const [s] = result.value.report.sessions;
      assert.ok(
        s,
        `no TLS session among ${result.value.packets} packets (${result.value.warnings.join('; ')})`,
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
      await server.close();
    }
  });
});
