// Certificate handshake message (RFC 5246 §7.4.2, RFC 8446 §4.4.2). TLS 1.3 adds a request
// context and per-entry extensions (OCSP status, SCTs); TLS 1.2 is a bare list of DER blobs.
// Zero-copy: every `der` is a view into the input.

import type { Extension } from './extensions.ts';
import { fail, ok, type ParseResult } from './parse-result.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export interface CertificateEntry {
  readonly der: Uint8Array;
  /** TLS 1.3 only (e.g. status_request carrying a stapled OCSP response). */
  readonly extensions: readonly Extension[];
}

export interface CertificateMessage {
  /** TLS 1.3 certificate_request_context; empty for TLS 1.2 and for server certificates. */
  readonly context: Uint8Array;
  /** In the order the peer sent them: leaf first, if the peer is well behaved. */
  readonly entries: readonly CertificateEntry[];
}

export function parseCertificateMessage(body: Uint8Array, tls13: boolean): ParseResult<CertificateMessage> {
  const r = new Reader(body);
  const context = tls13 ? r.vec8() : body.subarray(0, 0);
  const list = r.sub24();
  if (r.failed) return fail('Certificate message truncated');
  if (!r.atEnd) return fail(`Certificate message has ${r.remaining} bytes after the list`);
  const entries: CertificateEntry[] = [];
  while (!list.atEnd) {
    const der = list.vec24();
    const extensions: Extension[] = [];
    if (tls13) {
      const exts = list.sub16();
      while (!exts.atEnd) {
        const type = exts.u16();
        const data = exts.vec16();
        extensions.push({ type, data });
      }
      if (exts.failed) return fail('Certificate entry extensions truncated');
    }
    if (list.failed) return fail('Certificate list truncated');
    if (der.length === 0) return fail('Certificate entry is empty');
    entries.push({ der, extensions });
  }
  return ok({ context, entries });
}

export function encodeCertificateMessage(ders: readonly Uint8Array[], tls13: boolean): Uint8Array {
  const w = new Writer();
  if (tls13) w.u8(0);
  w.block(3, (l) => {
    for (const der of ders) {
      l.block(3, (c) => c.bytes(der));
      if (tls13) l.u16(0);
    }
  });
  return w.finish();
}
