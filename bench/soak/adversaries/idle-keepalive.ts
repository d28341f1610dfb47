// Keep-alive connections that make one request and then sit idle, all from ONE client address:
// more than a per-client connection limit lets through, so that limit shows in "held".
import { getOnce, openTls, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

export const idleKeepalive = holder('idle_keepalive', 1000, 50, async (ctx) => {
  const s = await openTls(ctx, { localAddress: sourceAddress(24, 0) });
  if (s instanceof Error) return s;
  if ((await getOnce(s, '/1k', 5000)) !== 'ok') {
    s.destroy();
    return new Error('first request failed');
  }
  return s;
});
