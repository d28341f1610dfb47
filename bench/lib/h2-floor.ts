// What Node's two HTTP/2 floors (h2-floor-server.ts, h2-proxy-floor-server.ts) share: a bare
// node:http2 secure server with the bench's certificate and TLS settings, ALPN h2 only (no HTTP/1.1
// fallback: these columns exist for the HTTP/2 figures), streams per connection as tlsterm's default
// `h2_max_streams`; each stream goes to `onStream`. Start-up code of a bench server process.
import { createSecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { nodeServerTls } from './tls-settings.ts';

export interface H2FloorListen {
  readonly port: number;
  readonly cert: string;
  readonly key: string;
}

export function startH2Floor(
  options: H2FloorListen,
  onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void,
): void {
  const server = createSecureServer({
    ...nodeServerTls(options.cert, options.key),
    settings: { enablePush: false, maxConcurrentStreams: 128 },
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on('error', () => {});
    onStream(stream, headers);
  });
  server.on('sessionError', () => {});
  server.on('tlsClientError', () => {});
  server.listen({ host: '127.0.0.1', port: options.port, backlog: 4096 });
  // A normal exit on SIGTERM, so --cpu-prof and --heap-prof write their files.
  process.once('SIGTERM', () => process.exit(0));
}
