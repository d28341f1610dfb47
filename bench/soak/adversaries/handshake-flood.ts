// Thousands of full handshakes, each with one request and Connection: close (no resumption).
import { openTls, readSome, SERVERNAME, sourceAddress } from '../clients.ts';
import { flooder } from './flooder.ts';

export const handshakeFlood = flooder('handshake_flood', 'floods', 50_000, 16, async (port, i) => {
  const s = await openTls({ port }, { localAddress: sourceAddress(30, i) });
  if (s instanceof Error) return false;
  s.write(`GET /1k HTTP/1.1\r\nHost: ${SERVERNAME}\r\nConnection: close\r\n\r\n`);
  const head = await readSome(s, 12, 5000);
  s.destroy();
  return head.startsWith('HTTP/1.1 200');
});
