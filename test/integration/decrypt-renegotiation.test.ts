// TLS 1.2 renegotiation as openssl does it (s_client's "R" command against s_server
// -client_renegotiation): the second handshake read inside the first one's keys, its own master
// secret from the key log, its ChangeCipherSpecs named as such, every record after it decrypted.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TraceReport } from '../../src/trace/types.ts';
import { freePort, stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { cannotCapture, capture, opensslClient, opensslServer, tlsterm } from './decrypt-harness.ts';
import { tsharkDecrypted } from './trace-harness.ts';

const skip = await cannotCapture();

describe('decrypt: TLS 1.2 renegotiation', { skip }, () => {
  const tmp = makeTempDir('decrypt-reneg');
  let server: ChildProcess | undefined;
  let port: number;
  before(async () => {
    const pki = await makePki(tmp.dir);
    port = await freePort();
    server = await opensslServer(port, [
      '-cert',
      pki.chains.rsa.certPath,
      '-key',
      pki.chains.rsa.keyPath,
      '-www',
      '-quiet',
      '-no_tls1_3',
      '-client_renegotiation',
    ]);
  });
  after(async () => {
    if (server) await stopChild(server);
    tmp.cleanup();
  });

  it('follows the second handshake and decrypts what comes after it', async () => {
    const keys = path.join(tmp.dir, 'reneg.keys');
    const pcap = await capture(path.join(tmp.dir, 'reneg.pcapng'), port, async () => {
      const out = await opensslClient(
        ['-connect', `127.0.0.1:${port}`, '-keylogfile', keys, '-no_tls1_3'],
        [
          { afterMs: 700, input: 'R\n' },
          { afterMs: 700, input: 'GET / HTTP/1.0\r\n\r\n' },
        ],
      );
      assert.match(out, /RENEGOTIATING/);
      assert.match(out, /HTTP\/1\.0 200 ok/);
    });
    const r = await tlsterm(['decrypt', pcap, '--keylog', keys, '--format', 'json']);
    const report = JSON.parse(r.stdout) as TraceReport;
    const s = report.sessions.find((x) => x.version === 'TLS1.2');
    assert.ok(s, r.stdout.slice(0, 1000));
    assert.equal(s.decrypted, true, s.why_not ?? '');
    assert.equal(r.code, 0, r.stderr);
    assert.match(s.secrets['master_secret_renegotiated_1'] ?? '', /^[0-9a-f]{96}$/);
    assert.notEqual(s.secrets['master_secret'], s.secrets['master_secret_renegotiated_1']);
    const hellos = s.records.filter((x) => x.messages?.includes('ClientHello'));
    assert.deepEqual(
      hellos.map((x) => [x.encrypted, x.decrypted]),
      [
        [false, null],
        [true, true],
      ],
    );
    const ccs = s.records.filter((x) => x.type === 'change_cipher_spec');
    assert.equal(ccs.length, 4);
    assert.ok(!ccs.some((x) => /TLS 1\.3/.test(JSON.stringify(x.details))));
    assert.ok(ccs.slice(2).every((x) => x.encrypted && x.decrypted === true));
    assert.match(String(ccs[2]?.details?.[0]?.fields['note']), /renegotiation 1/);
    const finished = s.records.filter((x) => x.messages?.includes('Finished'));
    assert.equal(finished.length, 4);
    assert.ok(finished.every((x) => x.details?.find((d) => d.name === 'Finished')?.verified === true));
    const response = s.records.find((x) => x.dir === 'server' && x.http?.startsWith('HTTP/1.0 200'));
    assert.equal(response?.epoch, 'renegotiated_1');
    assert.ok(!s.records.some((x) => x.tag_ok === false));
    assert.deepEqual(
      s.records
        // tshark shows no decrypted buffer for the renegotiation's (encrypted) ChangeCipherSpec.
        .filter((x) => x.encrypted && x.decrypted && x.type !== 'change_cipher_spec')
        .map((x) => Buffer.from(x.plaintext_b64 ?? '', 'base64').toString('hex')),
      await tsharkDecrypted(pcap, { keylog: keys }),
      'the same plaintext as tshark, record for record',
    );
  });
});
