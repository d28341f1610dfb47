// Property tests for the server-side and framing codecs: nothing a peer sends may make them throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAlert } from '../../../src/wire/alert.ts';
import { readHandshakeMessages } from '../../../src/wire/handshake.ts';
import { readRecords } from '../../../src/wire/record.ts';
import { encodeServerHello, parseServerHello } from '../../../src/wire/server-hello.ts';
import { readFixture } from './helpers.ts';

const opts = { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) };

const realServerHellos = ['tls12', 'tls12-downgrade', 'tls13', 'hrr'].map((n) => {
  const { records } = readRecords(readFixture(`server-hello-${n}`));
  return readHandshakeMessages(records[0]!.fragment).messages[0]!.body;
});

describe('ServerHello and framing fuzz', () => {
  it('parseServerHello never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512, size: 'max' }), (body) => {
        const r = parseServerHello(body);
        if (r.ok) assert.equal(r.value.random.length, 32);
        else assert.ok(r.error.length > 0);
      }),
      opts,
    );
  });

  it('parseServerHello never throws on mutated real ServerHellos, and re-encodes what it accepts', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: realServerHellos.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (which, edits, cut) => {
          const body = realServerHellos[which]!.slice();
          for (const [at, v] of edits) body[at % body.length] = v;
          const cutBody = cut % 3 === 0 ? body.subarray(0, cut % (body.length + 1)) : body;
          const r = parseServerHello(cutBody);
          if (r.ok && r.value.extensions.length > 0) assert.deepEqual(encodeServerHello(r.value), cutBody);
        },
      ),
      opts,
    );
  });

  it('readRecords, readHandshakeMessages and parseAlert never throw and account for every byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024, size: 'max' }), (bytes) => {
        const { records, rest } = readRecords(bytes);
        const used = records.reduce((n, r) => n + 5 + r.fragment.length, 0);
        assert.equal(used + rest, bytes.length);
        const hs = readHandshakeMessages(bytes);
        assert.ok(hs.rest >= 0 && hs.rest <= bytes.length);
        parseAlert(bytes.subarray(0, 2));
        parseAlert(bytes);
      }),
      opts,
    );
  });
});
