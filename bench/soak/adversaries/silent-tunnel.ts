// Websocket Upgrades that open a tunnel to the upstream and then say nothing, either way.
import { openTls, readSome, SERVERNAME, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

export const silentTunnel = holder('silent_tunnel', 100, 10, async (ctx, i) => {
  const s = await openTls(ctx, { localAddress: sourceAddress(23, i) });
  if (s instanceof Error) return s;
  s.write(
    `GET /ws HTTP/1.1\r\nHost: ${SERVERNAME}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const head = await readSome(s, 12, 5000);
  if (!head.startsWith('HTTP/1.1 101')) {
    s.destroy();
    return new Error(`no tunnel: ${JSON.stringify(head.slice(0, 12))}`);
  }
  return s;
});
