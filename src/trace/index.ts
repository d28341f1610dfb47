// The x-ray face: handshake ladders, our own key schedule from a key log (or a TLS 1.2 RSA server
// key), every record opened and checked; over live connections, a relay, or capture files.
export { type DecryptCaptureOptions, type DecryptedCapture, decryptCapture } from './capture.ts';
export {
  buildRequest,
  captureConnection,
  type LiveCapture,
  type TraceConnectOptions,
  traceConnect,
} from './live.ts';
export { decodeFrame, endpointText, LinkType, type TcpSegment } from './packet.ts';
export { type CapturedPacket, type CaptureFile, readCapture } from './pcap-read.ts';
export {
  type Endpoint,
  encodePcap,
  LINKTYPE_ETHERNET,
  type Packet,
  type TcpFlowSpec,
  tcpFrame,
  tcpPackets,
} from './pcap-write.ts';
export { startTraceRelay, type TraceRelay, type TraceRelayOptions } from './relay.ts';
export { isTraceFormat, renderReport, SECRETS_WARNING, TRACE_FORMATS, type TraceFormat } from './render.ts';
export { renderHtml } from './render-html.ts';
export { renderJson } from './render-json.ts';
export { renderSessionText, renderText } from './render-text.ts';
export { decryptPreMaster, keyMatchesCertificate, unpadPkcs1Type2 } from './rsa-premaster.ts';
export { type ResumptionStore, type TraceSessionInput, traceSession } from './session.ts';
export { type SuiteCrypto, suiteCrypto } from './suite-crypto.ts';
export { reassemble, type TcpStream, type TimedSegment } from './tcp-reassembly.ts';
export type {
  Chunk,
  Direction,
  KeyScheduleExplanation,
  MessageDetail,
  TraceRecord,
  TraceReport,
  TraceSession,
} from './types.ts';
