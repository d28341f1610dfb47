// Property tests: whatever a server sends, the prober's response reader returns a value (never
// throws), and feeding the bytes in pieces never yields a different final answer than all at once.
// FUZZ_RUNS raises the run count (npm run fuzz).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Flight, readServerFlight } from '../../../src/probe/server-flight.ts';
import { parseServerHello } from '../../../src/wire/server-hello.ts';
import { alertRecord, concat, helloRetryRequest, tls12Flight, tls13Hello } from './flights.ts';

const opts = { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) };
const KINDS = new Set(['need-more', 'hello', 'hrr', 'alert', 'not-tls', 'malformed', 'closed']);

const seeds = [
  tls12Flight(),
  tls12Flight({ maxFragment: 9, ocsp: Uint8Array.of(0x30, 0) }),
  tls13Hello(0x11ec),
  helloRetryRequest(24),
  concat(alertRecord(1, 112), tls12Flight()),
  alertRecord(2, 40),
];

function check(r: Flight): void {
  assert.ok(KINDS.has(r.kind), r.kind);
  if (r.kind === 'hello' || r.kind === 'hrr') assert.equal(r.hello.random.length, 32);
  if (r.kind === 'not-tls' || r.kind === 'malformed' || r.kind === 'closed') assert.ok(r.detail.length > 0);
}

const mutated = fc
  .record({
    which: fc.nat({ max: seeds.length - 1 }),
    edits: fc.array(
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
  })
  .map(({ which, edits }) => {
    const bytes = Array.from(seeds[which]!);
    for (const [at, v, op] of edits) {
      const i = at % (bytes.length + 1);
      if (op === 'set' && i < bytes.length) bytes[i] = v;
      else if (op === 'insert') bytes.splice(i, 0, v);
      else if (op === 'delete') bytes.splice(i, 1);
    }
    return Uint8Array.from(bytes);
  });

describe('probe response reader fuzz', () => {
  it('parseServerHello never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600, size: 'max' }), (body) => {
        const r = parseServerHello(body);
        assert.ok(r.ok ? r.value.random.length === 32 : r.error.length > 0);
      }),
      opts,
    );
  });

  it('readServerFlight never throws on random bytes, open or closed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048, size: 'max' }), fc.boolean(), (bytes, ended) => {
        const r = readServerFlight(bytes, ended);
        check(r);
        if (ended) assert.notEqual(r.kind, 'need-more');
      }),
      opts,
    );
  });

  it('readServerFlight never throws on mutated real flights', () => {
    fc.assert(
      fc.property(mutated, fc.boolean(), (bytes, ended) => check(readServerFlight(bytes, ended))),
      opts,
    );
  });

  it('the first final answer while bytes arrive is the answer to all of them', () => {
    fc.assert(
      fc.property(mutated, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let first: Flight | undefined;
        for (const p of [...points, bytes.length]) {
          const r = readServerFlight(bytes.subarray(0, p));
          if (r.kind !== 'need-more') {
            first = r;
            break;
          }
        }
        const whole = readServerFlight(bytes);
        if (first) assert.equal(first.kind, whole.kind);
      }),
      opts,
    );
  });
});
