// Node's HTTP/2 floor (`node-h2`): a bare `node:http2` createSecureServer with the bench's certificate
// and TLS settings and no tlsterm code, answering `GET /1k` from memory on each stream (no proxying),
// as node-tls does for HTTP/1.1. What any Node HTTP/2 front spends at least per stream and per
// connection; tlsterm's h2 front adds the proxying (an HTTP/1.1 upstream request per stream).
// Run: node bench/h2-floor-server.ts '{"port":…,"cert":…,"key":…,"root":…}'
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type H2FloorListen, startH2Floor } from './lib/h2-floor.ts';

export interface H2FloorOptions extends H2FloorListen {
  /** Where the 1 KiB file is. */
  readonly root: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as H2FloorOptions;
const small = readFileSync(join(options.root, '1k'));

startH2Floor(options, (stream, headers) => {
  if (headers[':path'] === '/1k') {
    stream.respond({ ':status': 200, 'content-length': small.length });
    stream.end(small);
  } else {
    stream.respond({ ':status': 404, 'content-length': 0 });
    stream.end();
  }
});
