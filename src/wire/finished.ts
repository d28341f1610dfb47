// Finished (RFC 8446 §4.4.4, RFC 5246 §7.4.9): verify_data only. Its length says which version
// made it (12 bytes in TLS 1.2, Hash.length in TLS 1.3); computing the expected value is the key
// schedule's job (key-schedule.ts, prf.ts).
import { fail, ok, type ParseResult } from './parse-result.ts';

export interface Finished {
  readonly verifyData: Uint8Array;
}

/** `expectedLength`: 12 for TLS 1.2, the suite's hash length for TLS 1.3; omitted: any 12..64. */
export function parseFinished(body: Uint8Array, expectedLength?: number): ParseResult<Finished> {
  if (expectedLength !== undefined && body.length !== expectedLength)
    return fail(`Finished verify_data is ${body.length} bytes (expected ${expectedLength})`);
  if (body.length < 12 || body.length > 64) return fail(`Finished verify_data of ${body.length} bytes`);
  return ok({ verifyData: body });
}
