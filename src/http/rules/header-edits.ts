// `headers:` of a site: set / add / remove on requests (toward the app) and responses (toward the
// client). Compiled once into what each path needs: the lower-case names to drop (remove, and the
// names `set` replaces), and the lines to add (set, then add) as HTTP/1.1 text and as pairs for h2.

import { Buffer } from 'node:buffer';
import { isFieldValueString, isTokenString } from '../chars.ts';
import { addH2Field, type H2Fields } from '../h2-fields.ts';
import { classifyString, H, isHopByHop } from '../header-names.ts';

/** One direction as the config states it. */
export interface HeaderEditSpec {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export interface HeaderEdits {
  /** Lower-case names whose incoming lines are dropped. */
  readonly drop: readonly string[];
  /** "name: value\r\n" lines appended (HTTP/1.1 heads). */
  readonly text: string;
  readonly lines: Buffer;
  /** The same lines as [lower-case name, value] (h2 header blocks). */
  readonly pairs: readonly (readonly [string, string])[];
}

export interface EditProblem {
  readonly where: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * Names an edit may not touch: framing, hop-by-hop and Host are the proxy's business (a wrong
 * Content-Length is request smuggling), and h2 pseudo-headers are not fields.
 */
const refusedReason = (lower: string): string | null => {
  if (lower.startsWith(':')) return 'a pseudo-header';
  const id = classifyString(lower);
  if (id === H.contentLength || id === H.transferEncoding) return 'message framing';
  if (id === H.host) return 'the request target (a route rewrites Host)';
  if (isHopByHop(id) || id === H.upgrade || id === H.http2Settings) return 'hop-by-hop';
  return null;
};

export const compileHeaderEdits = (
  spec: HeaderEditSpec,
  extra: readonly (readonly [string, string])[] = [],
): { edits: HeaderEdits; problems: EditProblem[] } => {
  const problems: EditProblem[] = [];
  const drop: string[] = [];
  const pairs: (readonly [string, string])[] = [];
  const name = (raw: string, where: string): string | null => {
    const lower = raw.toLowerCase();
    if (!isTokenString(raw)) {
      problems.push({
        where,
        message: `'${raw}' is not a header name`,
        hint: 'use a field name token such as x-env',
      });
      return null;
    }
    const why = refusedReason(lower);
    if (why !== null) {
      problems.push({ where, message: `'${raw}' cannot be edited: it is ${why}`, hint: 'remove this entry' });
      return null;
    }
    return lower;
  };
  const value = (v: string, where: string): boolean => {
    if (isFieldValueString(v)) return true;
    problems.push({
      where,
      message: 'the value holds CR, LF or another control character',
      hint: 'a header value is one line of text',
    });
    return false;
  };
  for (const [k, raw] of (spec.remove ?? []).entries()) {
    const n = name(raw, `remove[${k}]`);
    if (n !== null && !drop.includes(n)) drop.push(n);
  }
  for (const [raw, v] of Object.entries(spec.set ?? {})) {
    const n = name(raw, `set.${raw}`);
    if (n === null || !value(v, `set.${raw}`)) continue;
    if (!drop.includes(n)) drop.push(n);
    pairs.push([n, v]);
  }
  for (const [raw, v] of Object.entries(spec.add ?? {})) {
    const n = name(raw, `add.${raw}`);
    if (n !== null && value(v, `add.${raw}`)) pairs.push([n, v]);
  }
  for (const [n, v] of extra) {
    if (!drop.includes(n)) drop.push(n);
    pairs.push([n, v]);
  }
  const text = pairs.map(([n, v]) => `${n}: ${v}\r\n`).join('');
  return { edits: { drop, text, lines: Buffer.from(text, 'latin1'), pairs }, problems };
};

/** Apply to an h2 header block (lower-case names) in place. */
export const editH2Headers = (headers: H2Fields, e: HeaderEdits): void => {
  for (const n of e.drop) delete headers[n];
  for (const [n, v] of e.pairs) addH2Field(headers, n, v);
};

/**
 * Apply to a rendered HTTP/1.1 response head (status line, field lines, blank line; a body may
 * follow): the rare local responses (errors, deny, handlers). Upstream heads are edited as they are
 * built (head-builder.ts), without this second pass.
 */
export const editH1Head = (out: Buffer, e: HeaderEdits): Buffer => {
  const end = out.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) return out;
  const lines = out.toString('latin1', 0, end).split('\r\n');
  let head = lines[0]!;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (!e.drop.includes(line.slice(0, colon).toLowerCase())) head += `\r\n${line}`;
  }
  const h = Buffer.from(`${head}\r\n${e.text}\r\n`, 'latin1');
  return end + 4 === out.length ? h : Buffer.concat([h, out.subarray(end + 4)]);
};
