// Builders shared by the wire tests: synthetic hellos from parts, and the captured fixtures.
import { concatBytes as joinBytes } from '../../../src/wire/bytes.ts';
import { type ClientHelloSpec, encodeClientHello } from '../../../src/wire/client-hello.ts';
import { Ext, type Extension } from '../../../src/wire/extensions.ts';
import { encodeHandshake, HandshakeType } from '../../../src/wire/handshake.ts';
import { ContentType, encodeRecords } from '../../../src/wire/record.ts';

export { readFixture } from '../../fixtures/wire/capture.ts';

export const CLIENT_FIXTURES = [
  'openssl-tls12',
  'openssl-tls13',
  'curl',
  'node-default',
  'node-mlkem',
  'node-hrr-client',
] as const;

export const zeros = (n: number): Uint8Array => new Uint8Array(n);

/** A ClientHello body from a partial spec (32 zero bytes of random by default). */
export function helloBody(spec: Partial<ClientHelloSpec> = {}): Uint8Array {
  return encodeClientHello({ random: zeros(32), cipherSuites: [0x1301], extensions: [], ...spec });
}

/** Whole records carrying a ClientHello, split into fragments of at most `maxFragment` bytes. */
export function helloRecords(
  spec: Partial<ClientHelloSpec> = {},
  maxFragment = 16384,
  recordVersion = 0x0301,
): Uint8Array {
  return encodeRecords(
    ContentType.handshake,
    recordVersion,
    encodeHandshake(HandshakeType.clientHello, helloBody(spec)),
    maxFragment,
  );
}

/** Variadic form of the byte toolbox's concatBytes. */
export const concatBytes = (...parts: Uint8Array[]): Uint8Array => joinBytes(parts);

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * A hello shaped like the FoxIO JA4 specification's worked example: the cipher and extension code
 * points (and order) from the spec, with GREASE sprinkled in as Chrome does.
 */
export function specExampleExtensions(order: readonly number[], sni = 'example.com'): Extension[] {
  const byType: Record<number, Extension> = {
    0: Ext.serverName(sni),
    16: Ext.alpn(['h2', 'http/1.1']),
    43: Ext.supportedVersions([0x7a7a, 0x0304, 0x0303]),
    13: Ext.signatureAlgorithms([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]),
    10: Ext.supportedGroups([0x3a3a, 0x001d, 0x0017, 0x0018]),
    11: Ext.ecPointFormats([0]),
    51: Ext.keyShare([
      { group: 0x3a3a, keyExchange: zeros(1) },
      { group: 0x001d, keyExchange: zeros(32) },
    ]),
    45: Ext.pskKeyExchangeModes([1]),
    65281: Ext.renegotiationInfo(),
  };
  return [
    Ext.raw(0x0a0a),
    ...order.map((t) => byType[t] ?? Ext.raw(t, t === 0x0015 ? zeros(200) : new Uint8Array(0))),
    Ext.raw(0xfafa, zeros(1)),
  ];
}

export const SPEC_CIPHERS = [
  0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
  0x009d, 0x002f, 0x0035,
];
