// `compression:` of a site: which responses are compressed and how. Pure: the Accept-Encoding
// choice (q-values), the response test (status, type, size, already encoded, ranged, no-transform)
// and the rewritten head (Content-Encoding, Vary, no Content-Length, a weak ETag, as nginx does).

import { Buffer } from 'node:buffer';
import { FieldIndex } from '../field-lines.ts';
import { latin1 } from '../request-head.ts';
import { parseResponseHead, ResBody, ResponseHead } from '../response-head.ts';

export type Coding = 'br' | 'gzip';

export interface CompressionSpec {
  /** In the server's preference order (a client's equal q-values are broken by it). */
  readonly algorithms: readonly Coding[];
  /** Bodies with a known length below this are sent as they are. */
  readonly minSize: number;
  /** "type/subtype" exact, or "type/*" (lower-case). */
  readonly types: readonly string[];
}

export const DEFAULT_TYPES: readonly string[] = [
  'text/*',
  'application/json',
  'application/javascript',
  'application/xml',
  'image/svg+xml',
];

/** The coding to use for a request's Accept-Encoding values, or null (identity). */
export const chooseCoding = (spec: CompressionSpec, acceptEncoding: readonly string[]): Coding | null => {
  if (acceptEncoding.length === 0) return null;
  const q = new Map<string, number>();
  for (const line of acceptEncoding)
    for (const part of line.split(',')) {
      const [name, ...params] = part.trim().toLowerCase().split(';');
      if (name === undefined || name === '') continue;
      let weight = 1;
      for (const p of params) {
        const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
        if (m !== null) weight = Number(m[1]);
      }
      if (!Number.isFinite(weight)) weight = 0;
      q.set(name, weight);
    }
  let best: Coding | null = null;
  let bestQ = 0;
  for (const c of spec.algorithms) {
    const w = q.get(c) ?? (c === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
    if (w > bestQ) {
      best = c;
      bestQ = w;
    }
  }
  return best;
};

const typeMatches = (types: readonly string[], contentType: string): boolean => {
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  if (t === '') return false;
  for (const p of types) {
    if (p === t) return true;
    if (p.endsWith('/*') && t.startsWith(p.slice(0, -1))) return true;
  }
  return false;
};

/** Only these statuses, as nginx's gzip filter (a 206 or a 304 never). */
const COMPRESSIBLE_STATUS = new Set([200, 403, 404]);

/**
 * The head as the client gets it when the body is compressed with `coding`, or null to send the
 * response as it is. The new head has no framing: its body runs to the end (re-chunked by h1).
 */
export const compressedHead = (
  spec: CompressionSpec,
  head: ResponseHead,
  coding: Coding,
): ResponseHead | null => {
  if (!COMPRESSIBLE_STATUS.has(head.status) || head.body === ResBody.none) return null;
  const f = head.fields;
  const buf = head.buf;
  let type = '';
  let length = -1;
  let vary = '';
  const kept: string[] = [];
  let etag = '';
  for (let i = 0; i < f.count; i++) {
    const name = latin1(buf, f.nameStart(i), f.nameEnd(i)).toLowerCase();
    const value = latin1(buf, f.valueStart(i), f.valueEnd(i));
    switch (name) {
      case 'content-encoding':
        if (value.trim().toLowerCase() !== 'identity') return null;
        continue;
      case 'content-range':
        return null;
      case 'cache-control':
        // RFC 9110 §7.7: no-transform forbids changing the content coding on the way.
        if (/(^|,)\s*no-transform\s*(,|$)/i.test(value)) return null;
        break;
      case 'content-type':
        type = value;
        break;
      case 'content-length':
        length = Number(value);
        continue;
      case 'transfer-encoding':
        continue;
      case 'vary':
        vary = vary === '' ? value : `${vary}, ${value}`;
        continue;
      case 'etag':
        // The compressed bytes differ: a strong validator would lie (nginx weakens it too).
        etag = value.startsWith('W/') ? value : `W/${value}`;
        continue;
    }
    kept.push(`${latin1(buf, f.nameStart(i), f.nameEnd(i))}: ${value}\r\n`);
  }
  if (!typeMatches(spec.types, type)) return null;
  if (length >= 0 && length < spec.minSize) return null;
  if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary))
    vary = vary === '' ? 'Accept-Encoding' : `${vary}, Accept-Encoding`;
  const text =
    `HTTP/1.1 ${latin1(buf, head.statusStart, head.statusLineEnd)}\r\n${kept.join('')}` +
    `content-encoding: ${coding}\r\nvary: ${vary}\r\n${etag === '' ? '' : `etag: ${etag}\r\n`}\r\n`;
  const out = Buffer.from(text, 'latin1');
  const parsed = parseResponseHead(
    out,
    0,
    out.length,
    new FieldIndex(kept.length + 4, kept.length + 4),
    false,
  );
  return parsed instanceof ResponseHead ? parsed : null;
};
