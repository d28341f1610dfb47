// Protocol versions: the one table of wire numbers and their names (ours, 'TLS1.2', and Node's,
// 'TLSv1.2'), and GREASE (RFC 8701). Every face (serve, probe, trace, tls policy) names versions from here.

export const ProtocolVersion = {
  ssl2: 0x0002,
  ssl3: 0x0300,
  tls10: 0x0301,
  tls11: 0x0302,
  tls12: 0x0303,
  tls13: 0x0304,
  dtls10: 0xfeff,
  dtls12: 0xfefd,
  dtls13: 0xfefc,
} as const;

export type VersionName = 'SSLv3' | 'TLS1.0' | 'TLS1.1' | 'TLS1.2' | 'TLS1.3';
export type NodeVersionName = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface VersionEntry {
  readonly id: number;
  readonly name: VersionName;
  readonly node: NodeVersionName;
}

export const VERSIONS: readonly VersionEntry[] = [
  { id: ProtocolVersion.ssl3, name: 'SSLv3', node: 'SSLv3' },
  { id: ProtocolVersion.tls10, name: 'TLS1.0', node: 'TLSv1' },
  { id: ProtocolVersion.tls11, name: 'TLS1.1', node: 'TLSv1.1' },
  { id: ProtocolVersion.tls12, name: 'TLS1.2', node: 'TLSv1.2' },
  { id: ProtocolVersion.tls13, name: 'TLS1.3', node: 'TLSv1.3' },
];

/**
 * A printable name for any 16-bit version value: 'TLS1.2', 'GREASE', 'TLS1.3-draft-28',
 * 'SSLv2', 'DTLS1.2', or '0x7e01' when unknown.
 */
export function versionName(id: number): string {
  const known = knownVersionName(id);
  if (known) return known;
  if (isGrease(id)) return 'GREASE';
  if (id === ProtocolVersion.ssl2) return 'SSLv2';
  if (id === ProtocolVersion.dtls10) return 'DTLS1.0';
  if (id === ProtocolVersion.dtls12) return 'DTLS1.2';
  if (id === ProtocolVersion.dtls13) return 'DTLS1.3';
  if (id >> 8 === 0x7f) return `TLS1.3-draft-${id & 0xff}`;
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** Our name for SSL 3.0–TLS 1.3, undefined for any other value (the caller picks its own fallback). */
export function knownVersionName(id: number): VersionName | undefined {
  return VERSIONS.find((v) => v.id === id)?.name;
}

export function versionId(name: VersionName): number {
  return VERSIONS.find((v) => v.name === name)?.id ?? 0;
}

/** 'TLS1.2' → 'TLSv1.2' (the form node:tls `minVersion` / `maxVersion` take). */
export function toNode(name: VersionName): NodeVersionName {
  return VERSIONS.find((v) => v.name === name)?.node ?? 'TLSv1.3';
}

/** 'TLSv1.3' (from `tlsSocket.getProtocol()`) → 'TLS1.3'; undefined for anything else. */
export function fromNode(name: string): VersionName | undefined {
  return VERSIONS.find((v) => v.node === name)?.name;
}

/**
 * RFC 8701 reserves the sixteen values 0x0a0a, 0x1a1a, ... 0xfafa (both bytes equal, low nibble a)
 * in every 16-bit registry so that clients can test servers' tolerance of unknown values.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/** Orders TLS and DTLS versions alike (DTLS numbers count down: 0xfeff is 1.0, 0xfefd is 1.2). */
export function versionRank(v: number): number {
  return v >= 0xfe00 ? 0x10000 - v : v;
}
