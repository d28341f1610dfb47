// The junk the soak throws at the TLS port. Pure: each is bytes to send, none of them valid.
import { randomBytes } from 'node:crypto';

export type JunkKind = 'random_bytes' | 'malformed_hello' | 'plain_http' | 'garbage_record';
export const JUNK_KINDS: readonly JunkKind[] = [
  'random_bytes',
  'malformed_hello',
  'plain_http',
  'garbage_record',
];

/**
 * A whole ClientHello in one record whose session-id length (255) runs past its end: lengths that
 * agree on the outside and lie inside, so no "wait for more" can excuse it.
 */
export function malformedHello(): Buffer {
  const hello = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    randomBytes(32),
    Buffer.from([0xff]),
    randomBytes(8),
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01, 0x00, 0x00, hello.length]), hello]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, handshake.length]), handshake]);
}

/** An application-data record header with random contents: not decryptable under any key. */
export function garbageRecord(): Buffer {
  return Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x01, 0x00]), randomBytes(256)]);
}

export const plainHttp = (): Buffer => Buffer.from('GET / HTTP/1.1\r\nHost: soak.test\r\n\r\n');

/** Random bytes that do not start like a TLS handshake record (0x16). */
export function randomJunk(): Buffer {
  const b = randomBytes(1024);
  if (b[0] === 0x16) b[0] = 0x00;
  return b;
}

export function junkBytes(kind: JunkKind): Buffer {
  if (kind === 'malformed_hello') return malformedHello();
  if (kind === 'plain_http') return plainHttp();
  if (kind === 'garbage_record') return garbageRecord();
  return randomJunk();
}
