// `tlsterm decrypt` on a capture larger than its heap: it streams (records written as they are
// read, memory bounded by the connection, not the file), in JSON lines and in the JSON document;
// warnings are in the JSON too; HTML refuses what it cannot hold. A Node TLS server sends 24 MiB
// to tlsterm's own capturing client; the pcap is built from what went over the socket.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { captureConnection } from '../../src/trace/live.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { tlsterm } from './decrypt-harness.ts';
import { capturePackets, run, writeCapture } from './trace-harness.ts';

const SIZE = 24 * 1024 * 1024;
const BIN = new URL('../../bin/tlsterm', import.meta.url).pathname;

describe('decrypt streams', () => {
  const tmp = makeTempDir('decrypt-stream');
  let pcap: string;
  let keylog: string;
  before(async () => {
    const pki = await makePki(tmp.dir);
    const block = Buffer.alloc(1024 * 1024, 'x');
    const server = tls.createServer({ cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem }, (s) => {
      s.on('error', () => {});
      s.once('data', () => {
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${SIZE}\r\nConnection: close\r\n\r\n`);
        for (let i = 0; i < SIZE / block.length; i++) s.write(block);
        s.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const live = await captureConnection({
        host: '127.0.0.1',
        port: (server.address() as { port: number }).port,
        request: 'GET /',
        idleMs: 3000,
        timeoutMs: 60_000,
      });
      ({ pcap, keylog } = writeCapture(tmp.dir, 'big', capturePackets(live.chunks, 52000), live.keyLogText));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  after(() => tmp.cleanup());

  it('decrypts a capture larger than its heap, as JSON lines and as one JSON document', async () => {
    assert.ok(fs.statSync(pcap).size > SIZE);
    // 40 MiB of heap: holding the report (base64 of 24 MiB, then one JSON string of it) cannot fit.
    const small = (format: string, out: string) =>
      run(
        process.execPath,
        ['--max-old-space-size=40', BIN, 'decrypt', pcap, '--keylog', keylog, '--format', format, '-o', out],
        {
          maxBuffer: 1024 * 1024,
        },
      );
    const lines = path.join(tmp.dir, 'out.jsonl');
    await small('jsonl', lines);
    const events = fs
      .readFileSync(lines, 'utf8')
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            event: string;
            session?: number;
            decrypted?: boolean | number;
            plaintext_b64?: string;
          },
      );
    assert.equal(events[0]?.event, 'session_start');
    assert.deepEqual(events.at(-1), { event: 'end', sessions: 1, decrypted: 1 });
    const summary = events.find((e) => e.event === 'session');
    assert.equal(summary?.decrypted, true);
    const body = events
      .filter((e) => e.event === 'record' && e.plaintext_b64 !== undefined)
      .reduce((n, e) => n + Buffer.from(e.plaintext_b64 ?? '', 'base64').length, 0);
    assert.ok(body > SIZE, `${body} bytes decrypted`);
    assert.ok(events.findIndex((e) => e.event === 'record') < events.findIndex((e) => e.event === 'session'));

    const doc = path.join(tmp.dir, 'out.json');
    await small('json', doc);
    const report = JSON.parse(fs.readFileSync(doc, 'utf8')) as {
      sessions: { decrypted: boolean; records: unknown[] }[];
      warnings: string[];
    };
    assert.equal(report.sessions.length, 1);
    assert.equal(report.sessions[0]?.decrypted, true);
    assert.ok((report.sessions[0]?.records.length ?? 0) > SIZE / 16384);
    assert.deepEqual(report.warnings, []);
  });

  it('refuses --format html for a capture too large for one page, saying what to do', async () => {
    const huge = path.join(tmp.dir, 'huge.pcap');
    fs.copyFileSync(pcap, huge);
    fs.truncateSync(huge, 65 * 1024 * 1024);
    const r = await tlsterm(['decrypt', huge, '--keylog', keylog, '--format', 'html']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /--format html makes one page of the whole capture, and this one is 65 MiB \(the limit is 64 MiB\); use --format text, json or jsonl/,
    );
    assert.equal(r.stdout, '');
  });
});
