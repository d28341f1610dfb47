// 0-RTT as openssl sends it (ClientHello, middlebox ChangeCipherSpec, early data, later
// EndOfEarlyData): decrypted with CLIENT_EARLY_TRAFFIC_SECRET, sequence numbers counted, both
// Finished verified; and when the server rejects it, the early records are still read and the
// session still decrypts. Captured with dumpcap from openssl s_server / s_client on loopback.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TraceRecord, TraceReport } from '../../src/trace/types.ts';
import { freePort, stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { cannotCapture, capture, opensslClient, opensslServer, tlsterm } from './decrypt-harness.ts';
import { tsharkDecrypted } from './trace-harness.ts';

const skip = await cannotCapture();
const EARLY = 'GET /early HTTP/1.0\r\n\r\n';

describe('decrypt: 0-RTT early data', { skip }, () => {
  const tmp = makeTempDir('decrypt-early');
  let pki: Pki;
  const servers: ChildProcess[] = [];
  let session: string;
  let earlyFile: string;
  let accepting: number;
  before(async () => {
    pki = await makePki(tmp.dir);
    const cert = ['-cert', pki.chains.ec.certPath, '-key', pki.chains.ec.keyPath];
    accepting = await freePort();
    servers.push(await opensslServer(accepting, [...cert, '-early_data']));
    session = path.join(tmp.dir, 'session.pem');
    earlyFile = path.join(tmp.dir, 'early.txt');
    fs.writeFileSync(earlyFile, EARLY);
    // A first connection for the ticket that allows 0-RTT.
    await opensslClient(
      ['-connect', `127.0.0.1:${accepting}`, '-sess_out', session],
      [{ afterMs: 1000, input: '' }],
    );
    assert.ok(fs.existsSync(session), 'openssl s_client saved no session');
  });
  after(async () => {
    for (const s of servers) await stopChild(s);
    tmp.cleanup();
  });

  const decrypt = async (pcap: string, keys: string) => {
    const r = await tlsterm(['decrypt', pcap, '--keylog', keys, '--format', 'json']);
    const report = JSON.parse(r.stdout) as TraceReport;
    const s = report.sessions.find((x) => x.records.some((rec) => rec.epoch === 'early'));
    return { r, s };
  };
  /** s_client resuming `session` with the early data file, its keys logged to `keys`; its output. */
  const sendEarly = (port: number, keys: string): ReturnType<typeof opensslClient> =>
    opensslClient(
      ['-connect', `127.0.0.1:${port}`, '-sess_in', session, '-early_data', earlyFile, '-keylogfile', keys],
      [{ afterMs: 700, input: '' }],
    );
  const early = (records: readonly TraceRecord[]) =>
    records.filter((r) => r.dir === 'client' && r.epoch === 'early' && r.type === 'application_data');

  it('decrypts accepted early data and verifies the client Finished after EndOfEarlyData', async () => {
    const keys = path.join(tmp.dir, 'accepted.keys');
    const pcap = await capture(path.join(tmp.dir, 'accepted.pcapng'), accepting, async () => {
      const out = await sendEarly(accepting, keys);
      assert.match(out, /Early data was accepted/);
    });
    const { r, s } = await decrypt(pcap, keys);
    assert.ok(s, r.stdout.slice(0, 2000));
    assert.equal(s.decrypted, true, s.why_not ?? '');
    assert.equal(s.resumed, true);
    const data = early(s.records);
    assert.equal(data.length, 1);
    assert.equal(data[0]?.decrypted, true);
    assert.equal(data[0]?.seq, 0);
    assert.equal(Buffer.from(data[0]?.plaintext_b64 ?? '', 'base64').toString(), EARLY);
    assert.equal(data[0]?.http, 'GET /early HTTP/1.0');
    const eoed = s.records.find((x) => x.messages?.includes('EndOfEarlyData'));
    assert.equal(eoed?.epoch, 'early');
    assert.equal(eoed?.seq, 1, 'EndOfEarlyData follows the early record under the same keys');
    const finished = s.records.filter((x) => x.messages?.includes('Finished'));
    assert.deepEqual(
      finished.map((x) => [x.dir, x.details?.find((d) => d.name === 'Finished')?.verified]),
      [
        ['server', true],
        ['client', true],
      ],
    );
    const ccs = s.records.filter((x) => x.type === 'change_cipher_spec');
    assert.ok(ccs.every((x) => x.encrypted === false && x.error === undefined));
    assert.ok(!s.records.some((x) => x.tag_ok === false));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      s.records
        .filter((x) => x.encrypted && x.decrypted)
        .map((x) => Buffer.from(x.plaintext_b64 ?? '', 'base64').toString('hex')),
      await tsharkDecrypted(pcap, { keylog: keys }),
      'the same plaintext as tshark, record for record',
    );
  });

  it('reads rejected early data too, and the session still decrypts', async () => {
    const rejecting = await freePort();
    servers.push(
      await opensslServer(rejecting, ['-cert', pki.chains.ec.certPath, '-key', pki.chains.ec.keyPath]),
    );
    const keys = path.join(tmp.dir, 'rejected.keys');
    const pcap = await capture(path.join(tmp.dir, 'rejected.pcapng'), rejecting, async () => {
      const out = await sendEarly(rejecting, keys);
      assert.match(out, /Early data was rejected/);
    });
    const { r, s } = await decrypt(pcap, keys);
    assert.ok(s, r.stdout.slice(0, 2000));
    assert.equal(s.decrypted, true, s.why_not ?? '');
    assert.doesNotMatch(s.why_not ?? '', /master secret/);
    const ee = s.records.find((x) => x.messages?.includes('EncryptedExtensions'));
    assert.equal(ee?.details?.[0]?.fields['early_data_rejected'], true);
    const data = early(s.records);
    assert.equal(data[0]?.decrypted, true);
    assert.equal(Buffer.from(data[0]?.plaintext_b64 ?? '', 'base64').toString(), EARLY);
    const fin = s.records.find((x) => x.dir === 'client' && x.messages?.includes('Finished'));
    assert.equal(fin?.epoch, 'handshake');
    assert.equal(fin?.details?.find((d) => d.name === 'Finished')?.verified, true);
    assert.deepEqual(
      s.records
        .filter((x) => x.encrypted && x.decrypted)
        .map((x) => Buffer.from(x.plaintext_b64 ?? '', 'base64').toString('hex')),
      await tsharkDecrypted(pcap, { keylog: keys }),
      'the same plaintext as tshark, record for record',
    );
  });
});
