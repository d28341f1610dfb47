// Protocol versions as the TLS policy speaks of them. The table itself (wire numbers, our names, Node's
// names) is wire/versions.ts: one registry for every face.

export {
  fromNode,
  isGrease,
  type NodeVersionName,
  toNode,
  VERSIONS,
  type VersionEntry as ProtocolVersion,
  type VersionName,
  versionId,
  versionName,
} from '../wire/index.ts';

/** The versions tlsterm serves (a listener's min/max). */
export type TlsVersionName = 'TLS1.2' | 'TLS1.3';
