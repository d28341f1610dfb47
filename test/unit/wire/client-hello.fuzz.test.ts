// Property tests: the ClientHello path must never throw on any input, and its verdict must not
// depend on how TCP happened to split the bytes. FUZZ_RUNS raises the run count (npm run fuzz).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeClientHello, parseClientHello } from '../../../src/wire/client-hello.ts';
import { encodeHandshake } from '../../../src/wire/handshake.ts';
import { ja4, ja4Original, ja4Raw } from '../../../src/wire/ja4.ts';
import { encodeRecords } from '../../../src/wire/record.ts';
import { type SniffResult, sniffClientHello } from '../../../src/wire/sniff.ts';
import { CLIENT_FIXTURES, readFixture } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const opts = { numRuns: RUNS };
const LIMIT = 16384;

const fixtures = CLIENT_FIXTURES.map((n) => readFixture(`client-hello-${n}`));
const KINDS = new Set(['need-more', 'client-hello', 'http', 'not-tls', 'malformed']);
const JA4_SHAPE = /^[tqd][0-9sd][0-9a-z0-9][di]\d{4}[0-9a-zA-Z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/** A comparable summary of a verdict (the hello itself is summarised by its fingerprints). */
function summary(r: SniffResult): string {
  switch (r.kind) {
    case 'client-hello':
      return `hello ${r.consumed} ${ja4Raw(r.hello, { original: true })} ${r.hello.serverName} ${r.hello.recordVersion}`;
    case 'http':
      return `http ${r.method}`;
    case 'need-more':
      return 'need-more';
    default:
      return `${r.kind} ${r.detail}`;
  }
}

function checkVerdict(r: SniffResult, input: Uint8Array): void {
  assert.ok(KINDS.has(r.kind), r.kind);
  if (r.kind === 'client-hello') {
    assert.ok(r.consumed > 0 && r.consumed <= input.length);
    assert.match(ja4(r.hello), JA4_SHAPE);
    ja4Original(r.hello);
  }
  if (r.kind === 'not-tls' || r.kind === 'malformed') assert.ok(r.detail.length > 0);
}

/** Sniffs as the accept path does: after each read, on everything read so far. */
function sniffInChunks(bytes: Uint8Array, cuts: number[], max: number): SniffResult {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  for (const p of [...points, bytes.length]) {
    const r = sniffClientHello(bytes.subarray(0, p), max);
    if (r.kind !== 'need-more') return r;
  }
  return sniffClientHello(bytes, max);
}

// Random edits of a real hello: overwrite, insert, delete bytes, truncate.
const mutated = fc
  .record({
    which: fc.nat({ max: fixtures.length - 1 }),
    edits: fc.array(
      fc.record({
        op: fc.constantFrom('set', 'set', 'set', 'insert', 'delete'), // mostly length-preserving
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
  })
  .map(({ which, edits, cut }) => {
    const bytes = Array.from(fixtures[which]!);
    for (const { op, at, value } of edits) {
      const i = at % (bytes.length + 1);
      if (op === 'set' && i < bytes.length) bytes[i] = value;
      else if (op === 'insert') bytes.splice(i, 0, value);
      else if (op === 'delete') bytes.splice(i, 1);
    }
    const out = Uint8Array.from(bytes);
    return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
  });

// Bytes that start like a TLS handshake record, to get past the first-byte checks more often.
const tlsish = fc
  .tuple(
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 400 }),
    fc.uint8Array({ maxLength: 600, size: 'max' }),
  )
  .map(([minor, len, rest]) =>
    Uint8Array.of(0x16, 3, minor, len >> 8, len & 0xff, 1, 0, len >> 8, len & 0xff, ...rest),
  );

describe('ClientHello fuzz', () => {
  it('sniffClientHello never throws on random bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048, size: 'max' }),
        fc.integer({ min: 0, max: 20000 }),
        (bytes, max) => {
          checkVerdict(sniffClientHello(bytes, max), bytes);
        },
      ),
      opts,
    );
  });

  it('sniffClientHello never throws on TLS-looking random bytes', () => {
    fc.assert(
      fc.property(tlsish, (bytes) => checkVerdict(sniffClientHello(bytes, LIMIT), bytes)),
      opts,
    );
  });

  it('parseClientHello and ja4 never throw on random bodies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024, size: 'max' }), (body) => {
        const r = parseClientHello(body);
        if (r.ok) assert.match(ja4(r.value), JA4_SHAPE);
        else assert.ok(r.error.length > 0);
      }),
      opts,
    );
  });

  it('parseClientHello never throws on well-framed hellos whose known extensions hold random bodies', () => {
    const known = [0, 10, 11, 13, 16, 35, 41, 43, 45, 51, 0xff01];
    const ext = fc.record({
      type: fc.oneof(fc.constantFrom(...known), fc.integer({ min: 0, max: 0xffff })),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 64, size: 'max' }),
        // a plausible u16 or u8 length prefix followed by random bytes, to get past the first check
        fc.uint8Array({ maxLength: 40, size: 'max' }).map((b) => Uint8Array.of(0, b.length, ...b)),
        fc.uint8Array({ maxLength: 40, size: 'max' }).map((b) => Uint8Array.of(b.length, ...b)),
      ),
    });
    fc.assert(
      fc.property(fc.array(ext, { maxLength: 12, size: 'max' }), (extensions) => {
        const body = encodeClientHello({ random: new Uint8Array(32), cipherSuites: [0x1301], extensions });
        const r = parseClientHello(body);
        if (r.ok) assert.match(ja4(r.value), JA4_SHAPE);
        else assert.match(r.error, /^ClientHello /);
      }),
      opts,
    );
  });

  it('never throws on mutated and truncated real hellos', () => {
    fc.assert(
      fc.property(mutated, (bytes) => checkVerdict(sniffClientHello(bytes, LIMIT), bytes)),
      opts,
    );
  });

  it('every split of a real hello into reads gives the same verdict as the whole', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(fc.nat(), { maxLength: 12, size: 'max' }),
        (which, cuts) => {
          const bytes = fixtures[which]!;
          const whole = sniffClientHello(bytes, LIMIT);
          assert.equal(whole.kind, 'client-hello');
          assert.equal(summary(sniffInChunks(bytes, cuts, LIMIT)), summary(whole));
        },
      ),
      opts,
    );
  });

  it('every split gives the same verdict for mutated hellos and any maxBytes too', () => {
    fc.assert(
      fc.property(
        mutated,
        fc.array(fc.nat(), { maxLength: 12, size: 'max' }),
        fc.integer({ min: 1, max: 4000 }),
        (bytes, cuts, max) => {
          assert.equal(summary(sniffInChunks(bytes, cuts, max)), summary(sniffClientHello(bytes, max)));
        },
      ),
      opts,
    );
  });

  it('re-fragmenting a real hello into records of any size changes nothing but consumed', () => {
    fc.assert(
      fc.property(fc.nat({ max: fixtures.length - 1 }), fc.integer({ min: 1, max: 2000 }), (which, size) => {
        const bytes = fixtures[which]!;
        const original = sniffClientHello(bytes, LIMIT);
        assert.equal(original.kind, 'client-hello');
        const message = bytes.subarray(5); // single-record fixtures: the whole handshake message
        const refragmented = encodeRecords(22, (bytes[1]! << 8) | bytes[2]!, message, size);
        const r = sniffClientHello(refragmented, LIMIT);
        assert.equal(r.kind, 'client-hello');
        if (r.kind === 'client-hello' && original.kind === 'client-hello') {
          assert.equal(r.consumed, refragmented.length);
          assert.equal(ja4Raw(r.hello, { original: true }), ja4Raw(original.hello, { original: true }));
          assert.equal(r.hello.serverName, original.hello.serverName);
        }
      }),
      opts,
    );
  });

  it('encode → parse → encode is the identity for arbitrary well-formed hellos', () => {
    // Extension types whose bodies the parser does not interpret, so any content is well formed.
    const opaqueType = fc
      .integer({ min: 0, max: 0xffff })
      .filter((t) => ![0, 10, 11, 13, 16, 41, 43, 45, 51, 0xff01].includes(t));
    const spec = fc.record({
      legacyVersion: fc.integer({ min: 0, max: 0xffff }),
      random: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      sessionId: fc.uint8Array({ maxLength: 32 }),
      cipherSuites: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60, size: 'medium' }),
      compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
      extensions: fc.option(
        fc.uniqueArray(
          fc.record({ type: opaqueType, data: fc.uint8Array({ maxLength: 40, size: 'medium' }) }),
          {
            selector: (e) => e.type,
            maxLength: 20,
            size: 'medium',
          },
        ),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const body = encodeClientHello(s);
        const r = parseClientHello(body);
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.deepEqual(r.value.cipherSuites, s.cipherSuites);
        assert.deepEqual(
          r.value.extensions,
          (s.extensions ?? []).map((e) => ({ type: e.type, data: e.data })),
        );
        // An absent extensions block and an empty one parse alike (no extensions); re-encode as given.
        const again = encodeClientHello({ ...r.value, extensions: s.extensions && r.value.extensions });
        assert.deepEqual(again, body);
        const sniffed = sniffClientHello(encodeRecords(22, 0x0301, encodeHandshake(1, body)), 1 << 20);
        assert.equal(sniffed.kind, 'client-hello');
      }),
      opts,
    );
  });
});
