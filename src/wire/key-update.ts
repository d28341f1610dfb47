// KeyUpdate (RFC 8446 §4.6.3): the sender moves to its next application traffic secret.
import { fail, ok, type ParseResult } from './parse-result.ts';

export interface KeyUpdate {
  /** update_requested (1): the peer must answer with its own KeyUpdate. */
  readonly updateRequested: boolean;
}

export function parseKeyUpdate(body: Uint8Array): ParseResult<KeyUpdate> {
  if (body.length !== 1 || body[0]! > 1) return fail('KeyUpdate must be one byte, 0 or 1');
  return ok({ updateRequested: body[0] === 1 });
}
