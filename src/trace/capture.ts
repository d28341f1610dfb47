// `tlsterm decrypt`: a capture file → TCP connections → one traced TLS session each, with the key
// log (from a file and/or embedded in the pcapng) and optional RSA server keys.
import type { KeyObject } from 'node:crypto';
import { type KeyLog, mergeKeyLogs, parseKeyLog } from '../wire/keylog.ts';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';
import { decodeFrame } from './packet.ts';
import { readCapture } from './pcap-read.ts';
import { type ResumptionStore, traceSession } from './session.ts';
import { reassemble, type TimedSegment } from './tcp-reassembly.ts';
import type { TraceReport } from './types.ts';

export interface DecryptCaptureOptions {
  readonly keyLog?: KeyLog;
  readonly rsaKeys?: readonly KeyObject[];
  readonly includePlaintext?: boolean;
}

export interface DecryptedCapture {
  readonly report: TraceReport;
  /** About the file as a whole (skipped packets, non-TLS connections, embedded secrets). */
  readonly warnings: readonly string[];
  readonly format: 'pcap' | 'pcapng';
  readonly packets: number;
}

/** Whether a stream's first client bytes look like a TLS handshake record. */
const looksLikeTls = (first: Uint8Array | undefined): boolean =>
  first !== undefined && first.length >= 3 && first[0] === 0x16 && first[1] === 0x03;

export function decryptCapture(
  bytes: Uint8Array,
  options: DecryptCaptureOptions = {},
): ParseResult<DecryptedCapture> {
  const file = readCapture(bytes);
  if (!file.ok) return fail(file.error);
  const warnings = [...file.value.warnings];
  const skipped = new Map<string, number>();
  const segments: TimedSegment[] = [];
  for (const packet of file.value.packets) {
    const decoded = decodeFrame(packet.linkType, packet.data);
    if ('skip' in decoded) skipped.set(decoded.skip, (skipped.get(decoded.skip) ?? 0) + 1);
    else segments.push({ segment: decoded.segment, time: packet.time, index: packet.index });
  }
  const notTcp = [...skipped].filter(([why]) => /fragment/.test(why));
  for (const [why, n] of notTcp)
    warnings.push(`${n} packets skipped: ${why} (reassembly of IP fragments is not supported)`);
  const embedded = file.value.keyLogs.map(parseKeyLog);
  if (embedded.length > 0)
    warnings.push(`using ${embedded.reduce((n, k) => n + k.lines, 0)} key log lines embedded in the pcapng`);
  const keyLog = mergeKeyLogs(...embedded, ...(options.keyLog ? [options.keyLog] : []));
  const resumption: ResumptionStore = new Map();
  const streams = reassemble(segments).sort((a, b) => a.firstIndex - b.firstIndex);
  let notTls = 0;
  const sessions = [];
  for (const stream of streams) {
    if (!looksLikeTls(stream.chunks.find((c) => c.dir === 'client')?.data)) {
      notTls++;
      continue;
    }
    sessions.push(
      traceSession({
        chunks: stream.chunks,
        keyLog,
        client: stream.client,
        server: stream.server,
        resumption,
        warnings: stream.warnings,
        ...(options.rsaKeys ? { rsaKeys: options.rsaKeys } : {}),
        ...(options.includePlaintext !== undefined ? { includePlaintext: options.includePlaintext } : {}),
      }),
    );
  }
  if (notTls > 0)
    warnings.push(`${notTls} TCP connection${notTls === 1 ? '' : 's'} that are not TLS skipped`);
  return ok({
    report: { sessions },
    warnings,
    format: file.value.format,
    packets: file.value.packets.length,
  });
}
