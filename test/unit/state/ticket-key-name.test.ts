import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import type tls from 'node:tls';
import { ticketKeyName } from '../../../src/state/index.ts';
import {
  type ClientHello,
  Ext,
  encodeClientHello,
  parseClientHello,
  toHex,
} from '../../../src/wire/index.ts';
import { makePki, makeTempDir } from '../../helpers/pki.ts';
import { namedServer, startTlsFront, type TlsFront, tlsVisit } from '../../helpers/tls-front.ts';

// A server with known ticket keys: name = 16 bytes of 0xA1…, then HMAC and AES keys.
const KEYS = Buffer.concat([Buffer.alloc(16, 0xa1), crypto.randomBytes(32)]);
const NAME_HEX = 'a1'.repeat(16);

const tmp = makeTempDir('state-key-name');
let ca = '';
let front: TlsFront;

before(async () => {
  const pki = await makePki(tmp.dir);
  ca = pki.rootPem;
  const server = namedServer('A', {
    cert: pki.chains.ec.fullchainPem,
    key: pki.chains.ec.keyPem,
    ticketKeys: KEYS,
    sessionIdContext: 'key-name-test',
  });
  front = await startTlsFront(() => server);
});

after(async () => {
  await front.close();
  tmp.cleanup();
});

async function resumingHellos(version: tls.SecureVersion): Promise<[ClientHello, ClientHello]> {
  const start = front.hellos.length;
  const first = await tlsVisit(front.port, { ca, version });
  assert.ok(first.session, 'the server gave a session');
  const again = await tlsVisit(front.port, { ca, version, session: first.session });
  assert.equal(again.reused, true, `${version} resumed with the ticket`);
  const [a, b] = front.hellos.slice(start);
  return [a!, b!];
}

test('TLS 1.3: the PSK identity of a resuming Node client starts with the server key name', async () => {
  const [fresh, resuming] = await resumingHellos('TLSv1.3');
  assert.equal(ticketKeyName(fresh), undefined);
  assert.equal(resuming.pskIdentities.length, 1);
  assert.equal(toHex(ticketKeyName(resuming)!), NAME_HEX);
});

test('TLS 1.2: the SessionTicket extension of a resuming Node client starts with the server key name', async () => {
  const [fresh, resuming] = await resumingHellos('TLSv1.2');
  assert.equal(ticketKeyName(fresh), undefined, 'an empty SessionTicket extension names no key');
  assert.equal(resuming.pskIdentities.length, 0);
  assert.equal(toHex(ticketKeyName(resuming)!), NAME_HEX);
});

// pre_shared_key body: identities (u16 list of u16-prefixed identity + u32 age), binders (u16 list of u8-prefixed).
const pskExtension = (identities: Uint8Array[]) => {
  const ids = Buffer.concat(
    identities.map((id) =>
      Buffer.concat([Buffer.from([id.length >> 8, id.length & 255]), id, Buffer.alloc(4)]),
    ),
  );
  const binders = Buffer.concat(identities.map(() => Buffer.concat([Buffer.from([32]), Buffer.alloc(32)])));
  const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
  return Ext.raw(41, Buffer.concat([u16(ids.length), ids, u16(binders.length), binders]));
};
const hello = (extensions: ReturnType<typeof Ext.raw>[]): ClientHello => {
  const parsed = parseClientHello(
    encodeClientHello({ random: new Uint8Array(32), cipherSuites: [0x1301], extensions }),
  );
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
};

test('the PSK identity wins over a SessionTicket; too-short tickets name no key', () => {
  const psk = new Uint8Array(80).fill(7);
  const ticket = new Uint8Array(80).fill(9);
  const both = hello([Ext.sessionTicket(ticket), pskExtension([psk])]);
  assert.equal(toHex(ticketKeyName(both)!), '07'.repeat(16));
  assert.equal(toHex(ticketKeyName(hello([Ext.sessionTicket(ticket)]))!), '09'.repeat(16));
  assert.equal(ticketKeyName(hello([Ext.sessionTicket(new Uint8Array(16))])), undefined);
  assert.equal(ticketKeyName(hello([pskExtension([new Uint8Array(8)])])), undefined);
  assert.equal(ticketKeyName(hello([])), undefined);
});

test('the name is a view into the hello, not a copy', () => {
  const parsed = hello([Ext.sessionTicket(new Uint8Array(64).fill(3))]);
  const name = ticketKeyName(parsed)!;
  assert.equal(name.buffer, parsed.sessionTicket!.buffer);
  assert.equal(name.length, 16);
});
