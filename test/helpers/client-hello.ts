// A parsed ClientHello shaped like Chrome's (GREASE values included), for tests that need one
// without a wire capture; `over` replaces any field.
import type { ClientHello } from '../../src/wire/index.ts';

export const emptyExtensions = (...types: number[]) =>
  types.map((type) => ({ type, data: new Uint8Array(0) }));

export const chromeLikeHello = (over: Partial<ClientHello> = {}): ClientHello => ({
  recordVersion: 0x0301,
  legacyVersion: 0x0303,
  random: new Uint8Array(32),
  sessionId: new Uint8Array(32),
  cipherSuites: [0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f],
  compressionMethods: [0],
  extensions: emptyExtensions(0x2a2a, 0, 23, 65281, 10, 11, 35, 16, 5, 13, 18, 51, 45, 43, 27, 0x1a1a),
  serverName: 'a.test',
  alpn: ['h2', 'http/1.1'],
  supportedVersions: [0x3a3a, 0x0304, 0x0303],
  supportedGroups: [0x4a4a, 0x11ec, 29, 23, 24],
  keyShareGroups: [0x4a4a, 0x11ec, 29],
  signatureAlgorithms: [0x0403, 0x0804, 0x0401, 0x0503],
  pskKeyExchangeModes: [1],
  sessionTicket: undefined,
  pskIdentities: [],
  ecPointFormats: [0],
  hasRenegotiationInfo: true,
  hasFallbackScsv: false,
  ...over,
});
