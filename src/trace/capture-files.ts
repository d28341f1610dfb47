// What `tlsterm trace` can leave beside its report: the connection as a pcap (for Wireshark) and the
// session's key log (NSS format, 0600).
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { encodePcap, tcpPackets } from './pcap-write.ts';
import type { Chunk } from './types.ts';

export interface CaptureFilesInput {
  /** "ip:port" of each end, as the capture saw them. */
  readonly client: string;
  readonly server: string;
  readonly chunks: readonly Chunk[];
  readonly keyLogText: string;
}

export async function writeCaptureFiles(
  capture: CaptureFilesInput,
  files: { readonly pcap?: string | undefined; readonly keyLog?: string | undefined },
): Promise<void> {
  if (files.keyLog !== undefined) await writeFile(files.keyLog, capture.keyLogText, { mode: 0o600 });
  if (files.pcap !== undefined) {
    const [cIp, cPort] = splitEndpoint(capture.client);
    const [sIp, sPort] = splitEndpoint(capture.server);
    const packets = tcpPackets({
      client: { ip: cIp, port: cPort },
      server: { ip: sIp, port: sPort },
      chunks: capture.chunks,
    });
    await writeFile(files.pcap, encodePcap(packets));
  }
}

/** "1.2.3.4:5" or "[::1]:5" → IP (IPv4-mapped IPv6 unwrapped) and port. */
function splitEndpoint(text: string): [string, number] {
  const at = text.lastIndexOf(':');
  let ip = text.slice(0, at).replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  return [net.isIP(ip) ? ip : '127.0.0.1', Number(text.slice(at + 1))];
}
