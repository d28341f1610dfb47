// TLS clients that ask for a large response and never read it: tlsterm's send buffer fills, then
// its upstream's. Without a send timeout both connections are held for as long as the client lives.
import { openTls, SERVERNAME, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

export const stalledReader = holder('stalled_reader', 200, 20, async (ctx, i) => {
  const s = await openTls(ctx, { localAddress: sourceAddress(20, i) });
  if (s instanceof Error) return s;
  s.write(`GET /big HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
  s.pause(); // and never resume: the kernel's receive window closes
  return s;
});
