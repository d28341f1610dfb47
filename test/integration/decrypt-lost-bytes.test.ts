// Bytes the capture does not have, as users meet them: a capture without the ServerHello, one
// taken with a small snaplen, one that lost a segment in the middle of a download. Never
// ciphertext shown as plaintext, never "decrypted: yes" over unread bytes, never a gap blamed on
// tampering; after a gap, reading goes on. Real openssl peers on loopback, captured with dumpcap.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TraceReport, TraceSession } from '../../src/trace/types.ts';
import { freePort, stopChild } from '../helpers/net.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import {
  cannotCapture,
  capture,
  dropFrames,
  frames,
  opensslClient,
  opensslServer,
  tlsterm,
} from './decrypt-harness.ts';

const skip = await cannotCapture();
const BODY = 'tlsterm decrypt test line\n'.repeat(12_000); // ~300 KB: several records and segments

describe('decrypt: bytes missing from the capture', { skip }, () => {
  const tmp = makeTempDir('decrypt-lost');
  let server: ChildProcess | undefined;
  let port: number;
  let pcap: string;
  const keys = path.join(tmp.dir, 'download.keys');

  const download = () =>
    opensslClient(
      ['-connect', `127.0.0.1:${port}`, '-keylogfile', keys, '-quiet', '-ign_eof'],
      [{ afterMs: 300, input: 'GET /big.txt HTTP/1.0\r\n\r\n' }],
    );
  const decrypt = async (file: string) => {
    const r = await tlsterm(['decrypt', file, '--keylog', keys, '--format', 'json']);
    const report = JSON.parse(r.stdout) as TraceReport & { warnings: string[] };
    return { r, report, s: report.sessions[0] as TraceSession };
  };

  before(async () => {
    const pki = await makePki(tmp.dir);
    fs.writeFileSync(path.join(tmp.dir, 'big.txt'), BODY);
    port = await freePort();
    server = await opensslServer(
      port,
      ['-cert', pki.chains.ec.certPath, '-key', pki.chains.ec.keyPath, '-WWW', '-quiet'],
      tmp.dir,
    );
    pcap = await capture(path.join(tmp.dir, 'download.pcapng'), port, async () => {
      assert.match(await download(), /tlsterm decrypt test line/);
      // A connection that is not TLS, to be skipped and counted.
      await new Promise<void>((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => c.end('hello\n'));
        c.on('error', () => resolve());
        c.on('close', () => resolve());
        setTimeout(() => c.destroy(), 1000);
      });
    });
  });
  after(async () => {
    if (server) await stopChild(server);
    tmp.cleanup();
  });

  it('decrypts the whole download, and puts file warnings in the JSON with correct grammar', async () => {
    const { r, report, s } = await decrypt(pcap);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.decrypted, true, s.why_not ?? '');
    const body = s.records
      .filter((x) => x.dir === 'server' && x.type === 'application_data')
      .map((x) => Buffer.from(x.plaintext_b64 ?? '', 'base64').toString())
      .join('');
    assert.ok(body.endsWith(BODY));
    assert.ok(
      report.warnings.includes('1 TCP connection that is not TLS skipped'),
      report.warnings.join('; '),
    );
    assert.match(r.stderr, /tlsterm: 1 TCP connection that is not TLS skipped/);
  });

  it('never shows ciphertext as plaintext when the ServerHello is not in the capture', async () => {
    const [hello] = await frames(pcap, 'tls.handshake.type == 2');
    assert.ok(hello);
    const cut = await dropFrames(pcap, path.join(tmp.dir, 'no-server-hello.pcapng'), [hello]);
    const { r, s } = await decrypt(cut);
    assert.equal(r.code, 2);
    assert.equal(s.decrypted, false);
    assert.match(s.why_not ?? '', /no ServerHello/);
    const shownInClear = s.records.filter(
      (x) =>
        !x.encrypted &&
        x.plaintext_b64 !== undefined &&
        x.type !== 'handshake' &&
        x.type !== 'change_cipher_spec',
    );
    assert.deepEqual(shownInClear, []);
    const server = s.records.filter((x) => x.dir === 'server' && x.wire_type === 'application_data');
    assert.ok(server.length > 5);
    for (const x of server) {
      assert.equal(x.epoch, 'unknown');
      assert.equal(x.plaintext_b64, undefined);
    }
  });

  it('names a lost segment, reads on after it and never calls it tampering', async () => {
    const data = await frames(pcap, `tcp.srcport == ${port} && tcp.len > 0`);
    const middle = data[Math.floor(data.length / 2)]!;
    const cut = await dropFrames(pcap, path.join(tmp.dir, 'lost-segment.pcapng'), [middle]);
    const { r, s } = await decrypt(cut);
    assert.equal(r.code, 2);
    assert.equal(s.decrypted, false);
    assert.match(s.why_not ?? '', /bytes of the server stream were never captured/);
    assert.doesNotMatch(s.why_not ?? '', /altered|failed authentication/);
    assert.ok(!s.records.some((x) => x.tag_ok === false), 'no record failed its tag');
    const lost = s.records.findIndex((x) => x.type === 'lost');
    assert.ok(lost > 0);
    const after = s.records
      .slice(lost + 1)
      .filter((x) => x.dir === 'server' && x.type === 'application_data');
    assert.ok(after.length > 0, 'records after the gap are read');
    assert.ok(after.every((x) => x.decrypted === true));
    assert.match(after[0]?.error ?? '', /records? lost before this one/);
    const close = s.records.find((x) => x.dir === 'server' && x.alert?.description === 'close_notify');
    assert.equal(close?.decrypted, true);
  });

  it('says no, and why, when a small snaplen cut the packets', async () => {
    const small = await capture(
      path.join(tmp.dir, 'snaplen.pcapng'),
      port,
      async () => {
        await download();
      },
      { snaplen: 200 },
    );
    const r = await tlsterm(['decrypt', small, '--keylog', keys]);
    assert.equal(r.code, 2, r.stdout.slice(-2000));
    assert.match(r.stdout, /decrypted: no — .*\d+ bytes of the (client|server) stream were never captured/);
    assert.doesNotMatch(r.stdout, /decrypted: yes/);
    assert.match(
      r.stderr,
      /packets were cut short by the capture's snaplen \(at most 200 bytes kept of each\)/,
    );
    assert.match(r.stdout, /warning: \d+ packets were cut short by the capture's snaplen/);
  });
});
