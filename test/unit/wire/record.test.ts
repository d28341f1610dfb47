import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ContentType,
  contentTypeName,
  encodeRecord,
  encodeRecords,
  readRecords,
} from '../../../src/wire/record.ts';
import { readFixture } from './helpers.ts';

describe('readRecords', () => {
  it('splits a real TLS 1.3 server flight into its records', () => {
    const bytes = readFixture('server-hello-tls13');
    const { records, rest, error } = readRecords(bytes);
    assert.equal(error, undefined);
    assert.equal(rest, 0);
    assert.deepEqual(
      records.map((r) => r.header.type),
      [22, 20, 23, 23, 23, 23],
    );
    assert.equal(records[0]!.offset, 0);
    assert.equal(records[1]!.offset, 5 + records[0]!.header.length);
    assert.deepEqual(records[1]!.fragment, Uint8Array.of(1), 'middlebox-compatibility change_cipher_spec');
    assert.equal(records[0]!.fragment.buffer, bytes.buffer, 'fragments are views');
  });

  it('stops at an incomplete record and counts the rest', () => {
    const bytes = readFixture('server-hello-tls12');
    const cut = bytes.subarray(0, 100);
    const { records, rest, error } = readRecords(cut);
    assert.equal(error, undefined);
    assert.equal(records.length, 1);
    assert.equal(rest, 100 - (5 + records[0]!.header.length));
    assert.deepEqual(readRecords(bytes.subarray(0, 4)), { records: [], rest: 4 });
  });

  it('reports headers that cannot be TLS', () => {
    assert.match(readRecords(Uint8Array.of(0x42, 3, 3, 0, 0)).error ?? '', /unknown record content type 66/);
    assert.match(readRecords(Uint8Array.of(22, 2, 0, 0, 0)).error ?? '', /record version 0x0200 is not TLS/);
    const huge = readRecords(Uint8Array.of(23, 3, 3, 0x48, 0x01));
    assert.match(huge.error ?? '', /record length 18433 exceeds 18432/);
    assert.equal(huge.rest, 5);
    const after = readRecords(
      new Uint8Array([...encodeRecord(21, 0x0303, Uint8Array.of(2, 40)), 0x99, 3, 3, 0, 0]),
    );
    assert.equal(after.records.length, 1);
    assert.equal(after.rest, 5);
    assert.ok(after.error);
  });
});

describe('encodeRecord(s)', () => {
  it('frames one record', () => {
    assert.deepEqual(
      encodeRecord(ContentType.alert, 0x0303, Uint8Array.of(2, 112)),
      Uint8Array.of(21, 3, 3, 0, 2, 2, 112),
    );
  });

  it('cuts a payload into records of at most maxFragment bytes that read back whole', () => {
    const payload = Uint8Array.from({ length: 40000 }, (_, i) => i & 0xff);
    const bytes = encodeRecords(22, 0x0303, payload);
    const { records, rest } = readRecords(bytes);
    assert.equal(rest, 0);
    assert.deepEqual(
      records.map((r) => r.header.length),
      [16384, 16384, 40000 - 32768],
    );
    const small = readRecords(encodeRecords(22, 0x0301, payload.subarray(0, 10), 3)).records;
    assert.deepEqual(
      small.map((r) => r.header.length),
      [3, 3, 3, 1],
    );
  });

  it('names content types', () => {
    assert.equal(contentTypeName(22), 'handshake');
    assert.equal(contentTypeName(23), 'application_data');
    assert.equal(contentTypeName(99), 'content_type_0x63');
  });
});
