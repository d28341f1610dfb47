// The bearer token check. Both sides are hashed first so the comparison is constant-time over
// equal-length digests (timingSafeEqual refuses unequal lengths, which would leak the token's length).
import type { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether an `Authorization` header carries the token (`Bearer <token>`). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = digest(match?.[1] ?? '');
  // Always compare, even without a header: the time taken says nothing about what was sent.
  return timingSafeEqual(given, digest(token)) && match !== null;
}
