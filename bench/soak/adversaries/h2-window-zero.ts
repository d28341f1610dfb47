// HTTP/2 clients that announce an initial window of 0 and open 100 streams for a large response:
// no DATA can flow, so every stream (and the upstream connection behind it) waits on the client.
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { openTls, SERVERNAME, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

export const STREAMS_PER_CONNECTION = 100;

export const h2WindowZero = holder('h2_window_zero', 10, 5, async (ctx, i) => {
  const tls = await openTls(ctx, { localAddress: sourceAddress(21, i), alpn: ['h2'] });
  if (tls instanceof Error) return tls;
  const session = http2.connect(`https://${SERVERNAME}`, {
    createConnection: () => tls,
    settings: { initialWindowSize: 0 },
  });
  session.on('error', () => {});
  for (let k = 0; k < STREAMS_PER_CONNECTION; k++) {
    const req = session.request({ ':path': '/big' });
    req.on('error', () => {}); // refused streams (a stream limit) and resets are expected
    req.end();
  }
  // The TLS socket is what the server holds; closing it ends the session.
  return tls as Duplex;
});
