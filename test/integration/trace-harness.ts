// Shared by the trace integration suites: a Node TLS server answering one HTTP request, captures
// of a real connection to it, pcap files, and tshark's own decryption of them to compare against.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { captureConnection, type LiveCapture } from '../../src/trace/live.ts';
import { encodePcap, type Packet, tcpPackets } from '../../src/trace/pcap-write.ts';
import type { Chunk } from '../../src/trace/types.ts';
import { waitForPort } from '../helpers/net.ts';

export const run = promisify(execFile);

export const TSHARK = '/usr/bin/tshark';
export const hasTshark = fs.existsSync(TSHARK);
export const NO_TSHARK = 'tshark is not installed (apt-get install tshark)';

export interface HttpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A TLS server that answers any request with a small HTTP response and closes. */
export async function startHttpsServer(options: tls.TlsOptions): Promise<HttpsServer> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(options, (socket) => {
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhello, trace',
      ),
    );
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One real connection: handshake, GET /, response, close. */
export async function captureGet(
  port: number,
  client: { ciphers?: string; maxVersion?: tls.SecureVersion; minVersion?: tls.SecureVersion } = {},
): Promise<LiveCapture> {
  return captureConnection({
    host: '127.0.0.1',
    port,
    request: 'GET /',
    idleMs: 3000,
    timeoutMs: 20_000,
    ...client,
  });
}

export function capturePackets(chunks: readonly Chunk[], clientPort = 51000): Packet[] {
  return tcpPackets({
    client: { ip: '127.0.0.1', port: clientPort },
    server: { ip: '127.0.0.1', port: 443 },
    chunks,
  });
}

export function writeCapture(dir: string, name: string, packets: readonly Packet[], keyLogText?: string) {
  const pcap = path.join(dir, `${name}.pcap`);
  fs.writeFileSync(pcap, encodePcap(packets));
  const keylog = path.join(dir, `${name}.keys`);
  if (keyLogText !== undefined) fs.writeFileSync(keylog, keyLogText);
  return { pcap, keylog };
}

/** Every "Decrypted TLS" buffer tshark shows, in frame order, as hex. */
export async function tsharkDecrypted(
  pcap: string,
  opts: { keylog?: string; rsaKey?: string },
): Promise<string[]> {
  const args = ['-r', pcap, '-x'];
  if (opts.keylog) args.push('-o', `tls.keylog_file:${opts.keylog}`);
  if (opts.rsaKey) args.push('-o', `uat:rsa_keys:"${opts.rsaKey}",""`);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 * 1024 * 1024 });
  const out: string[] = [];
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (/^Decrypted TLS \(\d+ bytes\):$/.test(line)) {
      current = [];
      out.push('');
      continue;
    }
    const m = /^[0-9a-f]{4,} {2}((?:[0-9a-f]{2} ?){1,16})/.exec(line);
    if (current !== undefined && m) {
      out[out.length - 1] += m[1]!.replaceAll(' ', '');
      continue;
    }
    current = undefined;
  }
  return out;
}

/** tshark's HTTP view of the capture: request lines and response codes. */
export async function tsharkHttp(
  pcap: string,
  opts: { keylog?: string; rsaKey?: string },
): Promise<string[]> {
  const args = [
    '-r',
    pcap,
    '-Y',
    'http',
    '-T',
    'fields',
    '-e',
    'http.request.method',
    '-e',
    'http.response.code',
  ];
  if (opts.keylog) args.push('-o', `tls.keylog_file:${opts.keylog}`);
  if (opts.rsaKey) args.push('-o', `uat:rsa_keys:"${opts.rsaKey}",""`);
  const { stdout } = await run(TSHARK, args);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** `openssl s_server -accept 127.0.0.1:PORT -quiet` with `args`, once it listens (kill it when done). */
export async function startOpensslServer(port: number, args: readonly string[]): Promise<ChildProcess> {
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, ...args, '-quiet'], {
    stdio: 'ignore',
  });
  if (!(await waitForPort(port, 100, 100))) {
    server.kill();
    throw new Error(`openssl s_server does not listen on ${port}`);
  }
  return server;
}
