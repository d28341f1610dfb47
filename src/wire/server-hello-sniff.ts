// What a passthrough relay reads from the upstream's first bytes: the plaintext ServerHello (the
// version, suite and group the upstream chose) or the alert it refused with. Pure and incremental
// like sniffClientHello; it looks no further than the first handshake message.
import { type Alert, parseAlert } from './alert.ts';
import { HandshakeType, joinFragments, readHandshakeMessages } from './handshake.ts';
import { ContentType, readRecords, type TlsRecord } from './record.ts';
import { parseServerHello, type ServerHello } from './server-hello.ts';

export type ServerHelloSniff =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'server-hello'; readonly hello: ServerHello }
  | { readonly kind: 'alert'; readonly alert: Alert }
  | { readonly kind: 'not-tls'; readonly detail: string };

export function sniffServerHello(bytes: Uint8Array, maxBytes = 16_384 + 5): ServerHelloSniff {
  const { records, error } = readRecords(bytes.subarray(0, maxBytes));
  const handshake: TlsRecord[] = [];
  for (const record of records) {
    if (record.header.type === ContentType.alert) {
      const alert = parseAlert(record.fragment);
      return alert.ok ? { kind: 'alert', alert: alert.value } : { kind: 'not-tls', detail: alert.error };
    }
    if (record.header.type !== ContentType.handshake)
      return { kind: 'not-tls', detail: `record type ${record.header.type} before the ServerHello` };
    handshake.push(record);
    const { messages } = readHandshakeMessages(joinFragments(handshake));
    const first = messages[0];
    if (first === undefined) continue;
    if (first.type !== HandshakeType.serverHello)
      return { kind: 'not-tls', detail: `handshake message ${first.type} where a ServerHello was expected` };
    const hello = parseServerHello(first.body);
    return hello.ok ? { kind: 'server-hello', hello: hello.value } : { kind: 'not-tls', detail: hello.error };
  }
  if (error !== undefined) return { kind: 'not-tls', detail: error };
  if (bytes.length >= maxBytes)
    return { kind: 'not-tls', detail: `no ServerHello in the first ${maxBytes} bytes` };
  return { kind: 'need-more' };
}
