// The TLS wire codec: one module per wire structure, numeric ids only (names for suites, groups
// and signature schemes live in src/tls/). Parsers never throw and return views into their input.
export {
  type Alert,
  AlertDescription,
  type AlertDescriptionName,
  AlertLevel,
  alertName,
  encodeAlert,
  parseAlert,
} from './alert.ts';
export { concatBytes, equalBytes, fromHex, toHex } from './bytes.ts';
export {
  type CertificateEntry,
  type CertificateMessage,
  encodeCertificateMessage,
  parseCertificateMessage,
} from './certificate-message.ts';
export { type CertificateRequest, parseCertificateRequest } from './certificate-request.ts';
export {
  type CertificateStatus,
  CertificateStatusType,
  encodeCertificateStatus,
  parseCertificateStatus,
  STATUS_REQUEST_OCSP,
} from './certificate-status.ts';
export {
  type CertificateVerify,
  parseCertificateVerify,
  parseSignedCertificateVerify,
} from './certificate-verify.ts';
export {
  type ClientHello,
  type ClientHelloSpec,
  encodeClientHello,
  parseClientHello,
} from './client-hello.ts';
export { type ClientKeyExchange, parseClientKeyExchange } from './client-key-exchange.ts';
export {
  children,
  derOctets,
  derOid,
  derSequence,
  derTime,
  derTlv,
  oidText,
  readTlv,
  type Tlv,
  tlvBytes,
  unsigned,
} from './der.ts';
export { type DigitallySigned, readDigitallySigned } from './digitally-signed.ts';
export { type EncryptedExtensions, parseEncryptedExtensions } from './encrypted-extensions.ts';
export { ExtensionType, type ExtensionTypeName, extensionName } from './extension-types.ts';
export {
  decodeAlpn,
  decodeClientKeyShares,
  decodePskIdentities,
  decodeServerKeyShare,
  decodeServerName,
  Ext,
  type Extension,
  findExtension,
  type KeyShareEntry,
} from './extensions.ts';
export { type Finished, parseFinished } from './finished.ts';
export {
  encodeHandshake,
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeMessage,
  HandshakeType,
  handshakeTypeName,
  joinFragments,
  readHandshakeMessages,
} from './handshake.ts';
export { type Ja4Transport, ja4, ja4Original, ja4Raw } from './ja4.ts';
export {
  deriveSecret,
  digest,
  earlySecret,
  finishedKey,
  finishedVerifyData,
  type HashName,
  handshakeSecret,
  hashLength,
  hkdfExpand,
  hkdfExpandLabel,
  hkdfExtract,
  hkdfLabel,
  hmac,
  type KeyScheduleInput,
  type KeyScheduleSecrets,
  keySchedule,
  masterSecret,
  nextTrafficSecret,
  resumptionPsk,
  type TrafficKeys,
  trafficKeys,
  transcriptHash,
} from './key-schedule.ts';
export { type KeyUpdate, parseKeyUpdate } from './key-update.ts';
export {
  EMPTY_KEY_LOG,
  formatKeyLogLine,
  type KeyLog,
  KeyLogLabel,
  type KeyLogProblem,
  mergeKeyLogs,
  parseKeyLog,
  secretsFor,
} from './keylog.ts';
export { type NewSessionTicket, parseNewSessionTicket } from './new-session-ticket.ts';
export { highestOfferedVersion, offeredVersions } from './offered-versions.ts';
export { fail, ok, type ParseResult } from './parse-result.ts';
export {
  extendedMasterSecret,
  finishedVerifyData12,
  type KeyBlock,
  type KeyBlockSizes,
  keyBlock,
  masterSecretFromRandoms,
  type PrfHash,
  pHash,
  prf,
} from './prf.ts';
export { Reader } from './reader.ts';
export {
  ContentType,
  type ContentTypeValue,
  checkHeader,
  contentTypeName,
  encodeRecord,
  encodeRecords,
  MAX_CIPHERTEXT,
  MAX_PLAINTEXT,
  RECORD_HEADER_LENGTH,
  type RecordHeader,
  readRecords,
  type TlsRecord,
} from './record.ts';
export {
  type AeadAlgorithm,
  type AeadSpec,
  type CbcSpec,
  type CipherSpec,
  explicitNonceLength12,
  type OpenedRecord,
  open12Aead,
  open12Cbc,
  open13,
  seal12Aead,
  seal12Cbc,
  seal13,
  sequenceBytes,
  xorNonce,
} from './record-protection.ts';
export {
  encodeServerHello,
  HELLO_RETRY_REQUEST_RANDOM,
  parseServerHello,
  type ServerHello,
  type ServerHelloSpec,
} from './server-hello.ts';
export { type ServerHelloSniff, sniffServerHello } from './server-hello-sniff.ts';
export {
  type KeyExchangeContext,
  type KeyExchangeParams,
  parseServerKeyExchange,
  parseSignedKeyExchange,
  type ServerKeyExchange,
  type SignedKeyExchange,
} from './server-key-exchange.ts';
export { type SniffResult, sniffClientHello } from './sniff.ts';
export {
  fromNode,
  isGrease,
  knownVersionName,
  type NodeVersionName,
  ProtocolVersion,
  toNode,
  VERSIONS,
  type VersionEntry,
  type VersionName,
  versionId,
  versionName,
  versionRank,
} from './versions.ts';
export { Writer } from './writer.ts';
