// TCP reassembly: segments out of order, retransmitted, overlapping, lost; roles from the SYN or
// the ClientHello; a reused 4-tuple; bytes delivered in the order they became readable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TcpSegment } from '../../../src/trace/packet.ts';
import { reassemble, type TimedSegment } from '../../../src/trace/tcp-reassembly.ts';

const C = { ip: '10.0.0.1', port: 50000 };
const S = { ip: '10.0.0.2', port: 443 };
let index = 0;

function seg(
  from: 'c' | 's',
  seq: number,
  payload: string | number[],
  flags: Partial<TcpSegment> = {},
): TimedSegment {
  const [a, b] = from === 'c' ? [C, S] : [S, C];
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Uint8Array.from(payload);
  return {
    segment: {
      src: a.ip,
      dst: b.ip,
      srcPort: a.port,
      dstPort: b.port,
      seq,
      syn: false,
      ack: true,
      fin: false,
      rst: false,
      payload: bytes,
      ...flags,
    },
    time: index,
    index: index++,
  };
}

const text = (chunks: { dir: string; data: Uint8Array }[], dir: string): string =>
  chunks
    .filter((c) => c.dir === dir)
    .map((c) => Buffer.from(c.data).toString())
    .join('');

describe('reassemble', () => {
  it('puts segments back in order, drops retransmissions, trims overlaps', () => {
    const [stream] = reassemble([
      seg('c', 99, '', { syn: true, ack: false }),
      seg('s', 499, '', { syn: true }),
      seg('c', 100, 'hello '),
      seg('c', 112, 'again'), // arrives before its predecessor
      seg('c', 106, 'world '),
      seg('c', 100, 'hello '), // retransmission
      seg('c', 109, 'ld again!'), // overlaps what we have and extends it
      seg('s', 500, 'ok'),
    ]);
    assert.ok(stream);
    assert.equal(stream.client, '10.0.0.1:50000');
    assert.equal(stream.server, '10.0.0.2:443');
    assert.equal(stream.roles, 'syn');
    assert.equal(text(stream.chunks, 'client'), 'hello world again!');
    assert.equal(text(stream.chunks, 'server'), 'ok');
    assert.deepEqual(stream.warnings, ['1 retransmitted segments from 10.0.0.1:50000 ignored']);
  });

  it('keeps the order in which bytes became readable across directions', () => {
    const [stream] = reassemble([
      seg('c', 1, 'A'),
      seg('s', 1, 'B'),
      seg('c', 3, 'D'),
      seg('s', 2, 'C'),
      seg('c', 2, 'X'),
    ]);
    assert.deepEqual(
      stream!.chunks.map((c) => `${c.dir[0]}:${Buffer.from(c.data).toString()}`),
      ['c:A', 's:B', 's:C', 'c:X', 'c:D'],
    );
  });

  it('takes the ClientHello sender for the client when the SYN was not captured, whatever the ports', () => {
    const hello = [0x16, 3, 1, 0, 4, 1, 0, 0, 0];
    const [a] = reassemble([seg('s', 5, [0x17, 3, 3]), seg('c', 1, hello)]);
    assert.equal(a!.roles, 'client-hello');
    assert.equal(a!.client, '10.0.0.1:50000');
    const [b] = reassemble([seg('s', 1, hello)]);
    assert.equal(b!.client, '10.0.0.2:443');
    const [c] = reassemble([seg('s', 1, 'x')]);
    assert.equal(c!.roles, 'port');
    assert.equal(c!.server, '10.0.0.2:443', 'lacking anything better, the lower port serves');
  });

  it('reports bytes that were never captured and hands over what follows', () => {
    const [stream] = reassemble([seg('c', 1, 'abc'), seg('c', 10, 'xyz')]);
    assert.equal(text(stream!.chunks, 'client'), 'abcxyz');
    assert.deepEqual(stream!.warnings, [
      '6 bytes never captured at offset 3 of the stream from 10.0.0.1:50000',
    ]);
  });

  it('starts a new connection when a closed 4-tuple sees a new SYN, and wraps sequence numbers', () => {
    const streams = reassemble([
      seg('c', 0xfffffffe, '', { syn: true, ack: false }),
      seg('c', 0xffffffff, 'ab'),
      seg('c', 1, 'cd'),
      seg('c', 3, '', { fin: true }),
      seg('s', 9, '', { fin: true }),
      seg('c', 5000, '', { syn: true, ack: false }),
      seg('c', 5001, 'second'),
    ]);
    assert.equal(streams.length, 2);
    assert.equal(text(streams[0]!.chunks, 'client'), 'abcd');
    assert.equal(text(streams[1]!.chunks, 'client'), 'second');
  });

  it('declares a hole lost when the receiver acknowledges past it, in order with the other direction', () => {
    const [stream] = reassemble([
      seg('c', 99, '', { syn: true, ack: false }),
      seg('s', 499, '', { syn: true }),
      seg('s', 500, 'AB'),
      seg('s', 505, 'FG'), // 502..504 never captured
      seg('c', 100, 'x', { ackNumber: 507 }), // the client got it all
      seg('c', 101, 'y', { ackNumber: 507 }),
    ]);
    assert.deepEqual(
      stream!.chunks.map((c) => [c.dir, Buffer.from(c.data).toString(), c.gap]),
      [
        ['server', 'AB', undefined],
        ['server', 'FG', 3],
        ['client', 'x', undefined],
        ['client', 'y', undefined],
      ],
    );
    assert.deepEqual(stream!.warnings, [
      '3 bytes never captured at offset 2 of the stream from 10.0.0.2:443',
    ]);
  });

  it('turns bytes a snaplen cut off into a gap of known size at once', () => {
    const [stream] = reassemble([
      seg('c', 99, '', { syn: true, ack: false }),
      seg('c', 100, 'abc', { missing: 5 }),
      seg('c', 108, 'ij'),
      seg('c', 110, 'kl', { missing: 2 }),
    ]);
    assert.deepEqual(
      stream!.chunks.map((c) => [Buffer.from(c.data).toString(), c.gap]),
      [
        ['abc', undefined],
        ['ij', 5],
        ['kl', undefined],
        ['', 2],
      ],
    );
  });
});
