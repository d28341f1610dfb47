import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BenchResult, formatNotes, formatTable, summarize } from '../lib/report.ts';

const result: BenchResult = {
  meta: {},
  servers: {
    tlsterm: { available: true },
    nginx: { available: true },
    haproxy: { available: false, reason: 'haproxy is not installed' },
  },
  rows: [
    {
      id: 'keepalive.rps',
      label: 'keep-alive 1 KiB',
      unit: 'req/s',
      better: 'higher',
      runs: { tlsterm: [9000, 10000, 11000], nginx: [20000, 19000, 21000] },
    },
    {
      id: 'keepalive.cpu',
      label: '  server CPU per req',
      unit: 'µs/req',
      better: 'lower',
      runs: { tlsterm: [40], nginx: [20] },
    },
  ],
  notes: ['keepalive / tlsterm / round 2: 3 socket errors'],
};

describe('summarize', () => {
  it('gives medians and the tlsterm/nginx ratio', () => {
    const [rps, cpu] = summarize(result);
    assert.equal(rps?.servers['tlsterm']?.median, 10000);
    assert.equal(rps?.servers['nginx']?.median, 20000);
    assert.equal(rps?.tlstermToNginx, 0.5);
    assert.equal(cpu?.tlstermToNginx, 2);
    assert.equal(rps?.servers['haproxy']?.median, null);
  });

  it('has no ratio when tlsterm has no runs', () => {
    const [rps] = summarize({ ...result, rows: [{ ...result.rows[0]!, runs: { nginx: [1] } }] });
    assert.equal(rps?.tlstermToNginx, null);
  });
});

describe('formatTable', () => {
  it('prints one line per row with medians, n/a for an unavailable server, and the ratio', () => {
    const lines = formatTable(result, summarize(result)).split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /^metric\s+unit\s+tlsterm\s+nginx\s+haproxy\s+tlsterm\/nginx$/);
    assert.match(lines[2] ?? '', /^keep-alive 1 KiB\s+req\/s\s+10,000\s+20,000\s+n\/a\s+0\.50x$/);
    assert.match(lines[3] ?? '', /^ {2}server CPU per req\s+µs\/req\s+40\.0\s+20\.0\s+n\/a\s+2\.00x$/);
  });
});

describe('formatNotes', () => {
  it('says why a server is missing, flags noisy rows, and keeps run warnings', () => {
    const notes = formatNotes(result, summarize(result));
    assert.ok(notes.includes('haproxy: not available: haproxy is not installed'));
    assert.ok(notes.some((n) => n.startsWith('noisy: keep-alive 1 KiB / tlsterm')));
    assert.ok(!notes.some((n) => n.startsWith('noisy: keep-alive 1 KiB / nginx'))); // 10% is not noisy
    assert.ok(notes.includes('keepalive / tlsterm / round 2: 3 socket errors'));
  });
});
