// The x-ray face: handshake ladders, our own key schedule from a key log (or a TLS 1.2 RSA server
// key), every record opened and checked; over live connections, a relay, or capture files.
export {
  CaptureDecryptor,
  type CaptureEvents,
  type CaptureTotals,
  type DecryptCaptureOptions,
  type DecryptedCapture,
  decryptCapture,
} from './capture.ts';
export {
  DECRYPT_FORMATS,
  type DecryptFileOptions,
  type DecryptFormat,
  decryptCaptureFile,
  HTML_MAX_BYTES,
  isDecryptFormat,
} from './capture-file.ts';
export { type CaptureFilesInput, writeCaptureFiles } from './capture-files.ts';
export {
  buildRequest,
  captureConnection,
  type LiveCapture,
  type TraceConnectOptions,
  traceConnect,
} from './live.ts';
export { decodeFrame, endpointText, LinkType, type TcpSegment } from './packet.ts';
export {
  type CapturedPacket,
  type CaptureFile,
  CaptureParser,
  type CaptureSink,
  readCapture,
} from './pcap-read.ts';
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
export { type RelayRunOptions, runTraceRelay } from './relay-run.ts';
export { isTraceFormat, renderReport, SECRETS_WARNING, TRACE_FORMATS, type TraceFormat } from './render.ts';
export { escapeHtml, renderHtml, sessionHtml, type TermHref, TRACE_CSS } from './render-html.ts';
export { renderJson } from './render-json.ts';
export { recordLines, renderSessionText, renderText, summaryLines } from './render-text.ts';
export { type ReportOutput, reportOutput } from './report-output.ts';
export { jsonLinesReport, jsonReport, type ReportStream, textReport } from './report-stream.ts';
export { decryptPreMaster, keyMatchesCertificate, unpadPkcs1Type2 } from './rsa-premaster.ts';
export {
  type ResumptionStore,
  SessionTracer,
  type TraceSessionInput,
  type TraceSessionSummary,
  traceSession,
} from './session.ts';
export { type SuiteCrypto, suiteCrypto } from './suite-crypto.ts';
export {
  Reassembler,
  type ReassemblyHandler,
  reassemble,
  type TcpConnection,
  type TcpStream,
  type TimedSegment,
} from './tcp-reassembly.ts';
export type {
  Chunk,
  Direction,
  KeyScheduleExplanation,
  MessageDetail,
  TraceRecord,
  TraceReport,
  TraceSession,
} from './types.ts';
