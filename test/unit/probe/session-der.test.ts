import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSessionTicketInfo } from '../../../src/probe/session-der.ts';
import { int, octets, seq, tlv } from './der-builder.ts';

// Node's wrapper: "nodejs:tls:session:1", a NUL, a length-prefixed server name, then the DER.
const wrap = (der: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.concat([Buffer.from('nodejs:tls:session:1\0\0\x06a.test'), der]));

describe('readSessionTicketInfo', () => {
  it('finds the ticket lifetime hint [9] and the ticket [10] in an OpenSSL session', () => {
    const der = seq(
      int(1),
      int(0x0304),
      octets([0x13, 0x01]),
      octets([]),
      octets(new Array(48).fill(0xaa)),
      tlv(0xa9, int(7200)),
      tlv(0xaa, octets([1, 2, 3])),
    );
    assert.deepEqual(readSessionTicketInfo(wrap(der)), { lifetimeHint: 7200, hasTicket: true });
    assert.deepEqual(readSessionTicketInfo(der), { lifetimeHint: 7200, hasTicket: true });
  });

  it('reports no ticket for a session-ID-only session and nothing for garbage', () => {
    assert.deepEqual(readSessionTicketInfo(wrap(seq(int(1), int(0x0303)))), {
      lifetimeHint: undefined,
      hasTicket: false,
    });
    assert.deepEqual(readSessionTicketInfo(Uint8Array.of(0, 1, 2)), {
      lifetimeHint: undefined,
      hasTicket: false,
    });
  });
});
