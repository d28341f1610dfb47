// Node's HTTP/2 floor (`node-h2`): a bare `node:http2` createSecureServer with the bench's certificate
// and TLS settings and no tlsterm code, answering `GET /1k` from memory on each stream (no proxying),
// as node-tls does for HTTP/1.1. What any Node HTTP/2 front spends at least per stream and per
// connection; tlsterm's h2 front adds the proxying (an HTTP/1.1 upstream request per stream).
// Run: node bench/h2-floor-server.ts '{"port":…,"cert":…,"key":…,"root":…}'
import { readFileSync } from 'node:fs';
import { createSecureServer, type ServerHttp2Stream } from 'node:http2';
import { join } from 'node:path';
import { tlsSettings } from './lib/tls-settings.ts';

export interface H2FloorOptions {
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  /** Where the 1 KiB file is. */
  readonly root: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as H2FloorOptions;
const small = readFileSync(join(options.root, '1k'));

// The same TLS settings as the other contenders; ALPN h2 only (no HTTP/1.1 fallback: this column
// exists for the HTTP/2 figures). Streams per connection as tlsterm's default `h2_max_streams`.
const server = createSecureServer({
  cert: readFileSync(options.cert),
  key: readFileSync(options.key),
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: [...tlsSettings.tls13Ciphers, ...tlsSettings.tls12Ciphers].join(':'),
  ecdhCurve: tlsSettings.groups.join(':'),
  honorCipherOrder: true,
  settings: { enablePush: false, maxConcurrentStreams: 128 },
});

server.on('stream', (stream: ServerHttp2Stream, headers) => {
  stream.on('error', () => {});
  if (headers[':path'] === '/1k') {
    stream.respond({ ':status': 200, 'content-length': small.length });
    stream.end(small);
  } else {
    stream.respond({ ':status': 404, 'content-length': 0 });
    stream.end();
  }
});
server.on('sessionError', () => {});
server.on('tlsClientError', () => {});
server.listen({ host: '127.0.0.1', port: options.port, backlog: 4096 });
// A normal exit on SIGTERM, so --cpu-prof and --heap-prof write their files.
process.once('SIGTERM', () => process.exit(0));
