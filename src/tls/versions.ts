// Protocol versions: wire ids ↔ our names ('TLS1.2') ↔ Node's names ('TLSv1.2').

export type VersionName = 'SSLv3' | 'TLS1.0' | 'TLS1.1' | 'TLS1.2' | 'TLS1.3';
export type NodeVersionName = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface ProtocolVersion {
  readonly id: number;
  readonly name: VersionName;
  readonly node: NodeVersionName;
}

export const VERSIONS: readonly ProtocolVersion[] = [
  { id: 0x0300, name: 'SSLv3', node: 'SSLv3' },
  { id: 0x0301, name: 'TLS1.0', node: 'TLSv1' },
  { id: 0x0302, name: 'TLS1.1', node: 'TLSv1.1' },
  { id: 0x0303, name: 'TLS1.2', node: 'TLSv1.2' },
  { id: 0x0304, name: 'TLS1.3', node: 'TLSv1.3' },
];

/** RFC 8701 GREASE values (0x0A0A, 0x1A1A, … 0xFAFA), used in versions, suites, groups, extensions. */
export function isGrease(id: number): boolean {
  return (id & 0x0f0f) === 0x0a0a && id >> 8 === (id & 0xff);
}

/**
 * A printable name for any 16-bit version value: 'TLS1.2', 'GREASE', 'TLS1.3-draft-28',
 * 'SSLv2', or '0x7e01' when unknown.
 */
export function versionName(id: number): string {
  const known = VERSIONS.find((v) => v.id === id);
  if (known) return known.name;
  if (isGrease(id)) return 'GREASE';
  if (id === 0x0002) return 'SSLv2';
  if (id >> 8 === 0x7f) return `TLS1.3-draft-${id & 0xff}`;
  return `0x${id.toString(16).padStart(4, '0')}`;
}

export function versionId(name: VersionName): number {
  return VERSIONS.find((v) => v.name === name)?.id ?? 0;
}

/** 'TLS1.2' → 'TLSv1.2' (the form `minVersion` / `maxVersion` take). */
export function toNode(name: VersionName): NodeVersionName {
  return VERSIONS.find((v) => v.name === name)?.node ?? 'TLSv1.3';
}

/** 'TLSv1.3' (from `tlsSocket.getProtocol()`) → 'TLS1.3'; undefined for anything else. */
export function fromNode(name: string): VersionName | undefined {
  return VERSIONS.find((v) => v.node === name)?.name;
}

/** The versions tlsterm serves (a listener's min/max). */
export type TlsVersionName = 'TLS1.2' | 'TLS1.3';
