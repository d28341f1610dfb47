// Host names and certificate names: does a certificate's SAN list cover a configured host?
// Rules (RFC 6125 as browsers apply it): exact match, case-insensitive; a SAN `*.example.test` covers
// exactly one extra left-most label (`a.example.test`, not `example.test`, not `a.b.example.test`);
// a configured wildcard host `*.a.test` serves every `x.a.test`, so it needs the SAN `*.a.test` itself;
// IP hosts need an IP SAN (never a DNS SAN) with the same address.

import net from 'node:net';
import type { ParseResult } from '../wire/index.ts';

/**
 * Could `text` be an IP literal at all? IPv6 has a colon; IPv4 is digits and dots. A host name
 * (every request's Host is normalized) then skips net.isIP's IPv6 expression, the costlier part.
 */
const mayBeIp = (text: string): boolean => {
  if (text.includes(':')) return true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x2e && (c < 0x30 || c > 0x39)) return false;
  }
  return true;
};

/** RFC 5952 text for an IPv6 address (lower case, longest zero run compressed); IPv4 unchanged. */
export function canonicalIp(ip: string): string | undefined {
  if (!mayBeIp(ip)) return undefined;
  const family = net.isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return undefined;
  const groups = expandIpv6(ip);
  if (!groups) return undefined;
  // An IPv4-mapped address reads best in its dotted form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function expandIpv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // Dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...new Array<string>(missing).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

/** Lower-case, no trailing dot; IP literals (also `[::1]`) in canonical form. */
export function normalizeName(name: string): string {
  let n = name.trim();
  if (n.startsWith('[') && n.endsWith(']')) n = n.slice(1, -1);
  const ip = canonicalIp(n);
  if (ip !== undefined) return ip;
  n = n.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

export type HostPattern = ParseResult<string>;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Validate a configured host: a DNS name, a wildcard `*.name` (one left-most `*` label, at least two
 * labels after it), or an IP literal. Returns the normalized form.
 */
export function parseHostPattern(raw: string): HostPattern {
  const name = normalizeName(raw);
  if (name === '') return { ok: false, error: 'empty host name' };
  if (net.isIP(name)) return { ok: true, value: name };
  if (name.length > 253) return { ok: false, error: 'longer than 253 characters' };
  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  const rest = wildcard ? labels.slice(1) : labels;
  if (wildcard && rest.length < 2) {
    return { ok: false, error: 'a wildcard needs at least two labels after it (*.example.test)' };
  }
  if (rest.some((l) => l.includes('*'))) {
    return { ok: false, error: "'*' is only allowed as the whole left-most label (*.example.test)" };
  }
  // Underscores appear in real internal names; accept them rather than be stricter than resolvers.
  const bad = rest.find((l) => !LABEL.test(l.replaceAll('_', 'a')));
  if (bad !== undefined) return { ok: false, error: `invalid label '${bad}'` };
  return { ok: true, value: name };
}

/** Does a SAN (already normalized) cover a normalized, concrete (non-wildcard) host name? */
function sanMatches(host: string, san: string): boolean {
  if (san === host) return true;
  if (!san.startsWith('*.')) return false;
  const suffix = san.slice(1); // ".example.test"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** Does a certificate whose SANs are `sans` cover the configured host (exact, wildcard, or IP)? */
export function coveredBy(host: string, sans: readonly string[]): boolean {
  const h = normalizeName(host);
  const normalized = sans.map(normalizeName);
  if (net.isIP(h)) return normalized.some((s) => net.isIP(s) !== 0 && s === h);
  const dnsSans = normalized.filter((s) => net.isIP(s) === 0);
  // A wildcard host serves any one label, so only the same wildcard SAN covers all of them.
  if (h.startsWith('*.')) return dnsSans.includes(h);
  return dnsSans.some((s) => sanMatches(h, s));
}

/**
 * DNS and IP entries of Node's `X509Certificate.subjectAltName` string ("DNS:a.test, IP Address:::1"),
 * normalized. Other kinds (email, URI) are dropped. Values with special characters arrive JSON-quoted.
 */
export function parseSubjectAltName(text: string | undefined): string[] {
  const out: string[] = [];
  for (const { kind, value } of subjectAltNameEntries(text)) {
    if (kind === 'DNS' || kind === 'IP Address') out.push(normalizeName(value));
  }
  return out;
}

/** Every entry of X509Certificate#subjectAltName ("DNS:a, URI:spiffe://…"), kinds as Node names them. */
export function subjectAltNameEntries(
  text: string | undefined,
): { readonly kind: string; readonly value: string }[] {
  if (!text) return [];
  const out: { kind: string; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const kind = text.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      // JSON string: find the closing quote that is not escaped.
      let j = colon + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      } catch {
        value = text.slice(colon + 2, j);
      }
      next = text.indexOf(', ', j);
    } else {
      next = text.indexOf(', ', colon);
      value = text.slice(colon + 1, next < 0 ? text.length : next);
    }
    out.push({ kind, value });
    if (next < 0) break;
    i = next + 2;
  }
  return out;
}
