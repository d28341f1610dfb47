// How a handshake resumed, as its event says it: read from the ClientHello (built here with the
// wire encoder) and OpenSSL's verdict, against a ticket-key ring with known keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offersTls13, resumptionFacts } from '../../../../src/serve/resumption/facts.ts';
import { createReplicaKeyRing, type TicketKey, ticketKeyFrom } from '../../../../src/state/index.ts';
import { resolvePolicy } from '../../../../src/tls/policy.ts';
import {
  type ClientHello,
  Ext,
  type Extension,
  encodeClientHello,
  parseClientHello,
  Writer,
} from '../../../../src/wire/index.ts';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

/** A key whose 16-byte name is `fill` repeated, active from `activeAt`. */
const keyOf = (fill: number, activeAt: number): TicketKey =>
  ticketKeyFrom(Buffer.concat([Buffer.alloc(16, fill), Buffer.alloc(32, 0x55)]), activeAt)!;

const OLD = keyOf(0xa1, NOW - 2 * HOUR);
const CURRENT = keyOf(0xb2, NOW - HOUR);
const NEXT = keyOf(0xc3, NOW + HOUR);
const ring = createReplicaKeyRing([OLD, CURRENT, NEXT], { overlapMs: 2 * HOUR, clock: () => NOW });

/** A ticket as Node's server makes it: key name, then IV, encrypted state and MAC (random here). */
const ticketUnder = (key: TicketKey): Uint8Array => Buffer.concat([key.name, Buffer.alloc(100, 0x42)]);

/** pre_shared_key (RFC 8446 §4.2.11) offering one identity with a zero binder. */
const psk = (identity: Uint8Array): Extension => {
  const w = new Writer();
  w.block(2, (ids) => ids.block(2, (id) => id.bytes(identity)).u32(0));
  w.block(2, (binders) => binders.block(1, (b) => b.bytes(new Uint8Array(32))));
  return Ext.raw(41, w.finish());
};

const TLS13_ONLY = Ext.supportedVersions([0x0304]);
const TLS13_AND_12 = Ext.supportedVersions([0x0304, 0x0303]);

function hello(extensions: Extension[], sessionId = new Uint8Array(32).fill(9)): ClientHello {
  const parsed = parseClientHello(
    encodeClientHello({ random: new Uint8Array(32), sessionId, cipherSuites: [0x1301, 0xc02b], extensions }),
  );
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

test('a full handshake: resumed_by null and nothing else, even when the hello offered a ticket', () => {
  const offered = hello([TLS13_ONLY, Ext.pskKeyExchangeModes([1]), psk(ticketUnder(CURRENT))]);
  assert.deepEqual(resumptionFacts(false, offered, ring), { resumed_by: null });
  assert.deepEqual(resumptionFacts(false, hello([]), undefined), { resumed_by: null });
});

test('TLS 1.3 resumed by PSK identity under the current key: ticket, key name prefix, current', () => {
  const h = hello([TLS13_ONLY, Ext.pskKeyExchangeModes([1]), psk(ticketUnder(CURRENT))]);
  assert.deepEqual(resumptionFacts(true, h, ring), {
    resumed_by: 'ticket',
    ticket_key: 'b2b2b2b2',
    ticket_key_current: true,
  });
});

test('TLS 1.3 resumed under an older key still decrypting: ticket_key_current false', () => {
  const h = hello([TLS13_ONLY, Ext.pskKeyExchangeModes([1]), psk(ticketUnder(OLD))]);
  assert.deepEqual(resumptionFacts(true, h, ring), {
    resumed_by: 'ticket',
    ticket_key: 'a1a1a1a1',
    ticket_key_current: false,
  });
});

test('TLS 1.2 resumed with a SessionTicket: ticket', () => {
  const h = hello([Ext.sessionTicket(ticketUnder(CURRENT))]);
  assert.deepEqual(resumptionFacts(true, h, ring), {
    resumed_by: 'ticket',
    ticket_key: 'b2b2b2b2',
    ticket_key_current: true,
  });
});

test('TLS 1.2 resumed without a ticket (none, or an empty extension asking for one): session_id', () => {
  assert.deepEqual(resumptionFacts(true, hello([]), ring), { resumed_by: 'session_id' });
  assert.deepEqual(resumptionFacts(true, hello([Ext.sessionTicket()]), ring), { resumed_by: 'session_id' });
});

test('tickets off (no ring): a resumed handshake is by session id whatever the hello carries', () => {
  const h = hello([Ext.sessionTicket(ticketUnder(CURRENT))]);
  assert.deepEqual(resumptionFacts(true, h, undefined), { resumed_by: 'session_id' });
});

test('the key name in the event is 8 hex digits: never the key material', () => {
  const facts = resumptionFacts(true, hello([Ext.sessionTicket(ticketUnder(CURRENT))]), ring);
  assert.match(String(facts.ticket_key), /^[0-9a-f]{8}$/);
  const text = JSON.stringify(facts);
  assert.doesNotMatch(text, /5555/, 'no HMAC or AES key bytes');
  assert.doesNotMatch(text, /b2b2b2b2b2/, 'not even the whole name');
});

test('offersTls13: the client offers 1.3 and the policy allows it', () => {
  const both = resolvePolicy({}).policy;
  const only12 = resolvePolicy({ max_version: 'TLS1.2' }).policy;
  assert.ok(both && only12);
  assert.equal(both.maxVersion, 'TLS1.3');
  assert.equal(offersTls13(hello([TLS13_AND_12]), both), true);
  assert.equal(offersTls13(hello([TLS13_ONLY]), both), true);
  assert.equal(offersTls13(hello([TLS13_AND_12]), only12), false, 'policy max 1.2');
  assert.equal(offersTls13(hello([]), both), false, 'a TLS 1.2 client (no supported_versions)');
  assert.equal(offersTls13(hello([Ext.supportedVersions([0x0303])]), both), false);
});
