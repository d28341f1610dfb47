// An HTTP/2 client session over the soak's TLS client (bounded connect, errors swallowed).
import http2 from 'node:http2';
import { openTls, SERVERNAME } from '../clients.ts';

export async function h2Session(
  port: number,
  localAddress: string,
): Promise<http2.ClientHttp2Session | Error> {
  const tls = await openTls({ port }, { localAddress, alpn: ['h2'] });
  if (tls instanceof Error) return tls;
  if (tls.alpnProtocol !== 'h2') {
    tls.destroy();
    return new Error(`ALPN gave ${String(tls.alpnProtocol)}`);
  }
  const session = http2.connect(`https://${SERVERNAME}`, { createConnection: () => tls });
  session.on('error', () => {});
  return session;
}

export const closeSession = (s: http2.ClientHttp2Session): void => {
  s.destroy();
};
