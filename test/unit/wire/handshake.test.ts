import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeHandshake,
  HandshakeType,
  handshakeTypeName,
  joinFragments,
  readHandshakeMessages,
} from '../../../src/wire/handshake.ts';
import { encodeRecords, readRecords } from '../../../src/wire/record.ts';
import { readFixture } from './helpers.ts';

describe('readHandshakeMessages', () => {
  it('finds the four messages of a real TLS 1.2 server flight across its records', () => {
    const { records } = readRecords(readFixture('server-hello-tls12'));
    const { messages, rest } = readHandshakeMessages(joinFragments(records));
    assert.equal(rest, 0);
    assert.deepEqual(
      messages.map((m) => handshakeTypeName(m.type)),
      ['server_hello', 'certificate', 'server_key_exchange', 'server_hello_done'],
    );
    assert.equal(messages[3]!.body.length, 0);
  });

  it('reassembles a message fragmented over many records and reports an incomplete tail', () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const message = encodeHandshake(HandshakeType.certificate, body);
    const { records } = readRecords(encodeRecords(22, 0x0303, message, 7));
    assert.ok(records.length > 40);
    const joined = joinFragments(records);
    assert.deepEqual(readHandshakeMessages(joined).messages, [{ type: 11, body }]);
    const partial = readHandshakeMessages(joined.subarray(0, 200));
    assert.deepEqual(partial, { messages: [], rest: 200 });
  });

  it('joins a single record without copying', () => {
    const { records } = readRecords(readFixture('server-hello-hrr'));
    assert.equal(joinFragments(records.slice(0, 1)), records[0]!.fragment);
  });

  it('encodes the 4-byte header', () => {
    assert.deepEqual(
      encodeHandshake(HandshakeType.finished, Uint8Array.of(1, 2)),
      Uint8Array.of(20, 0, 0, 2, 1, 2),
    );
    assert.equal(handshakeTypeName(99), 'handshake_type_99');
  });
});
