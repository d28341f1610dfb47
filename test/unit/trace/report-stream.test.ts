// The streaming reports with sessions that overlap in time: the JSON document stays one valid
// document with each record in its own session, in order of start; JSON lines keep the order
// things happened; the text ladder does not mix two sessions' lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  jsonLinesReport,
  jsonReport,
  type ReportStream,
  textReport,
} from '../../../src/trace/report-stream.ts';
import type { TraceSessionSummary } from '../../../src/trace/session.ts';
import type { TraceRecord } from '../../../src/trace/types.ts';

const record = (dir: 'client' | 'server', text: string): TraceRecord => ({
  dir,
  seq: 0,
  type: 'application_data',
  wire_type: 'application_data',
  length: text.length,
  time: null,
  encrypted: false,
  epoch: 'plaintext',
  decrypted: null,
  plaintext_b64: Buffer.from(text).toString('base64'),
});

const summary = (client: string): TraceSessionSummary => ({
  client,
  server: 'server:443',
  sni: null,
  version: 'TLS1.3',
  suite: null,
  group: null,
  key_exchange: null,
  alpn: null,
  resumed: false,
  secrets: {},
  keys: {},
  key_schedule: { source: '', steps: [], unavailable: [] },
  decrypted: true,
  why_not: null,
  warnings: [],
});

/** Session 1 starts, session 2 starts and ends while 1 still runs, then 1 ends. */
function interleave(report: ReportStream): void {
  const c = (client: string) => ({ client, server: 'server:443', firstIndex: 0, roles: 'syn' as const });
  report.sessionStart(1, c('a:1'));
  report.record(1, record('client', 'a1'));
  report.sessionStart(2, c('b:2'));
  report.record(2, record('client', 'b1'));
  report.record(1, record('server', 'a2'));
  report.record(2, record('server', 'b2'));
  report.sessionEnd(2, summary('b:2'));
  report.record(1, record('client', 'a3'));
  report.sessionEnd(1, summary('a:1'));
  report.end(['1 TCP connection that is not TLS skipped']);
}

const text = (r: TraceRecord): string => Buffer.from(r.plaintext_b64 ?? '', 'base64').toString();

describe('streaming reports', () => {
  it('writes one JSON document, each session with its own records, in order of start', () => {
    let out = '';
    interleave(jsonReport((t) => (out += t)));
    const doc = JSON.parse(out) as {
      sessions: { client: string; records: TraceRecord[] }[];
      warnings: string[];
    };
    assert.deepEqual(
      doc.sessions.map((s) => [s.client, s.records.map(text)]),
      [
        ['a:1', ['a1', 'a2', 'a3']],
        ['b:2', ['b1', 'b2']],
      ],
    );
    assert.deepEqual(doc.warnings, ['1 TCP connection that is not TLS skipped']);
  });

  it('writes JSON lines in the order things happened', () => {
    let out = '';
    interleave(jsonLinesReport((t) => (out += t)));
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; session?: number; message?: string });
    assert.deepEqual(
      lines.map((l) => `${l.event}${l.session ?? ''}`),
      [
        'session_start1',
        'record1',
        'session_start2',
        'record2',
        'record1',
        'record2',
        'session2',
        'record1',
        'session1',
        'warning',
        'end',
      ],
    );
    assert.equal(lines.at(-2)?.message, '1 TCP connection that is not TLS skipped');
  });

  it('keeps each session’s ladder together in text', () => {
    let out = '';
    interleave(textReport((t) => (out += t)));
    const a = out.indexOf('TLS a:1');
    const b = out.indexOf('TLS b:2');
    assert.ok(a >= 0 && b > a);
    assert.ok(out.indexOf('a3') < b, 'session 1 is whole before session 2 starts');
    assert.match(out, /warning: 1 TCP connection that is not TLS skipped\n$/);
  });
});
