import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNotes, formatReport, formatTable, type Section, summarize, toJson } from '../lib/report.ts';

const termination: Section = {
  id: 'termination',
  title: 'TLS termination',
  reference: 'nginx',
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

const passthrough: Section = {
  id: 'passthrough',
  title: 'TLS passthrough',
  reference: 'haproxy',
  servers: {
    tlsterm: { available: true },
    nginx: { available: false, reason: 'cannot pass TLS through: this nginx has no stream module' },
    haproxy: { available: true },
  },
  rows: [
    {
      id: 'passthrough-bulk.cpu',
      label: '  proxy CPU per MiB',
      unit: 'µs/MiB',
      better: 'lower',
      runs: { tlsterm: [900, 1000, 1100], haproxy: [500, 480, 520] },
    },
  ],
  notes: [],
};

describe('summarize', () => {
  it('gives medians and the ratio of tlsterm to the reference', () => {
    const [rps, cpu] = summarize(termination);
    assert.equal(rps?.servers['tlsterm']?.median, 10000);
    assert.equal(rps?.servers['nginx']?.median, 20000);
    assert.equal(rps?.ratio, 0.5);
    assert.equal(cpu?.ratio, 2);
    assert.equal(rps?.servers['haproxy']?.median, null);
  });

  it('divides by HAProxy in the passthrough section, whose reference it is', () => {
    const [cpu] = summarize(passthrough);
    assert.equal(cpu?.ratio, 2);
    assert.equal(cpu?.servers['nginx']?.median, null);
  });

  it('has no ratio when tlsterm has no runs', () => {
    const [rps] = summarize({ ...termination, rows: [{ ...termination.rows[0]!, runs: { nginx: [1] } }] });
    assert.equal(rps?.ratio, null);
  });
});

describe('formatTable', () => {
  it('prints one line per row with medians, n/a for an unavailable server, and the ratio', () => {
    const lines = formatTable(termination, summarize(termination)).split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /^metric\s+unit\s+tlsterm\s+nginx\s+haproxy\s+tlsterm\/nginx$/);
    assert.match(lines[2] ?? '', /^keep-alive 1 KiB\s+req\/s\s+10,000\s+20,000\s+n\/a\s+0\.50x$/);
    assert.match(lines[3] ?? '', /^ {2}server CPU per req\s+µs\/req\s+40\.0\s+20\.0\s+n\/a\s+2\.00x$/);
  });

  it('names the reference in the ratio column of the passthrough table', () => {
    const lines = formatTable(passthrough, summarize(passthrough)).split('\n');
    assert.match(lines[0] ?? '', /^metric\s+unit\s+tlsterm\s+nginx\s+haproxy\s+tlsterm\/haproxy$/);
    assert.match(lines[2] ?? '', /^ {2}proxy CPU per MiB\s+µs\/MiB\s+1,000\s+n\/a\s+500\s+2\.00x$/);
  });
});

describe('formatNotes', () => {
  it('says why a server is missing, flags noisy rows, and keeps run warnings', () => {
    const notes = formatNotes(termination, summarize(termination));
    assert.ok(notes.includes('haproxy: not available: haproxy is not installed'));
    assert.ok(notes.some((n) => n.startsWith('noisy: keep-alive 1 KiB / tlsterm')));
    assert.ok(!notes.some((n) => n.startsWith('noisy: keep-alive 1 KiB / nginx'))); // 10% is not noisy
    assert.ok(notes.includes('keepalive / tlsterm / round 2: 3 socket errors'));
    assert.ok(notes.some((n) => n.startsWith('ratio a/b > 1: a is higher than b')));
  });

  it('says what a column is and how a multi-process server splits its memory', () => {
    const section: Section = {
      ...termination,
      servers: {
        ...termination.servers,
        'node-tls': { available: true, about: "Node's floor" },
        tlsterm: { available: true, processes: '60 MiB + 80 MiB (the first is the root)' },
      },
    };
    const notes = formatNotes(section, summarize(section));
    assert.ok(notes.includes("node-tls: Node's floor"));
    assert.ok(
      notes.includes('tlsterm processes at the fresh start: 60 MiB + 80 MiB (the first is the root)'),
    );
  });
});

describe('ratio columns', () => {
  const withFloor: Section = {
    ...termination,
    servers: { ...termination.servers, 'node-tls': { available: true } },
    rows: [
      {
        id: 'full-handshake.cpu',
        label: '  server CPU per full-handshake conn',
        unit: 'µs/conn',
        better: 'lower',
        runs: { tlsterm: [600], nginx: [300], 'node-tls': [450] },
      },
    ],
    ratios: [
      ['tlsterm', 'nginx'],
      ['node-tls', 'nginx'],
      ['tlsterm', 'node-tls'],
      ['tlsterm', 'tlsterm-base'],
    ],
  };

  it('divides each pair, and leaves out a pair whose contender is not a column', () => {
    const [row] = summarize(withFloor);
    assert.deepEqual(row?.ratios, {
      'tlsterm/nginx': 2,
      'node-tls/nginx': 1.5,
      'tlsterm/node-tls': 600 / 450,
    });
    assert.equal(row?.ratio, 2, 'ratio stays tlsterm / the reference');
    const lines = formatTable(withFloor, summarize(withFloor)).split('\n');
    assert.match(lines[0] ?? '', /tlsterm\/nginx\s+node-tls\/nginx\s+tlsterm\/node-tls$/);
    assert.match(lines[2] ?? '', /2\.00x\s+1\.50x\s+1\.33x$/);
  });

  it('lists the ratio columns in the JSON', () => {
    const json = JSON.parse(toJson({ meta: {}, sections: [withFloor] }));
    assert.deepEqual(json.sections[0].ratios, ['tlsterm/nginx', 'node-tls/nginx', 'tlsterm/node-tls']);
  });
});

describe('formatReport and toJson', () => {
  it('prints each section with its title, table and notes, in order', () => {
    const text = formatReport({ meta: {}, sections: [termination, passthrough] });
    const first = text.indexOf('TLS termination\n');
    const second = text.indexOf('TLS passthrough\n');
    assert.ok(first === 0 && second > first, 'termination first, then passthrough');
    assert.match(text.slice(second), /tlsterm\/haproxy/);
    assert.match(text.slice(second), /nginx: not available: cannot pass TLS through/);
  });

  it('keeps the sections, their reference and the summarized rows in the JSON', () => {
    const json = JSON.parse(toJson({ meta: { date: 'x' }, sections: [termination, passthrough] }));
    assert.deepEqual(
      json.sections.map((s: { id: string; reference: string }) => [s.id, s.reference]),
      [
        ['termination', 'nginx'],
        ['passthrough', 'haproxy'],
      ],
    );
    assert.equal(json.sections[1].rows[0].ratio, 2);
    assert.deepEqual(json.sections[1].rows[0].servers.haproxy.runs, [500, 480, 520]);
  });
});
