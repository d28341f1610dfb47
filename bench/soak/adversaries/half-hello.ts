// TCP connections that send the first half of a ClientHello record and stop: the handshake timeout
// is all that ends them.
import { openTcp, sourceAddress } from '../clients.ts';
import { holder } from './holder.ts';

// A TLS record header announcing a 512-byte handshake record, and the start of a ClientHello.
const HALF_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

export const halfHello = holder('half_hello', 500, 50, async (ctx, i) => {
  const s = await openTcp(ctx, sourceAddress(25, i));
  if (s instanceof Error) return s;
  s.write(HALF_HELLO);
  s.resume();
  return s;
});
