// Request bodies trickled one byte every 3 s: a slow-loris on the body, holding the upstream
// exchange open as long as bytes keep (barely) coming.
import { openTls, SERVERNAME, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

const BODY_BYTES = 1000;
const EVERY_MS = 3000;

export const trickleBody = holder('trickle_body', 100, 10, async (ctx, i) => {
  const s = await openTls(ctx, { localAddress: sourceAddress(22, i) });
  if (s instanceof Error) return s;
  s.write(`POST /upload HTTP/1.1\r\nHost: ${SERVERNAME}\r\nContent-Length: ${BODY_BYTES}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => {
    if (s.destroyed || ++sent > BODY_BYTES) return clearInterval(timer);
    s.write('x');
  }, EVERY_MS);
  s.once('close', () => clearInterval(timer));
  s.resume();
  return s;
});
