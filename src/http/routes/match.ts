// The shared `match` vocabulary of routes (and of the filters' rules): host (exact or *.wildcard),
// path (exact, prefix, regex), method, header and query matchers. Pure: a compiled matcher and the
// request facts it reads; nothing here allocates per request unless a header or query is asked for.

/** A header or query value matcher: an exact string, or `~REGEX` (compiled once). */
export type ValueMatcher = { readonly exact: string } | { readonly regex: RegExp };

/** A compiled `match:` (every key given must hold). */
export interface MatchPlan {
  /** Lower-cased; "*.example.com" matches one or more labels in front of example.com. */
  readonly hosts?: readonly string[];
  readonly path?: string;
  readonly pathPrefix?: string;
  readonly pathRegex?: RegExp;
  /** Upper-case method names. */
  readonly methods?: readonly string[];
  /** Lower-case field names. */
  readonly headers?: readonly (readonly [string, ValueMatcher])[];
  readonly query?: readonly (readonly [string, ValueMatcher])[];
}

/** What a matcher reads from a request; `header` and `query` are asked for only when a route names one. */
export interface MatchInput {
  readonly method: string;
  /** Lower-case, without port or brackets. */
  readonly host: string;
  /** The path, without the query. */
  readonly path: string;
  /** The query string without '?', '' if none. */
  readonly query: string;
  /** The first value of a lower-case field name, or undefined. */
  header(name: string): string | undefined;
}

export const valueMatches = (m: ValueMatcher, value: string | undefined): boolean =>
  value !== undefined && ('exact' in m ? value === m.exact : m.regex.test(value));

export const hostMatches = (pattern: string, host: string): boolean =>
  pattern.startsWith('*.')
    ? host.length > pattern.length - 1 && host.endsWith(pattern.slice(1))
    : pattern === host;

/** The first value of `name` in a query string ('' for a bare key), undefined when absent. */
export const queryValue = (query: string, name: string): string | undefined => {
  if (query === '') return undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (safeDecode(key) === name) return eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
  }
  return undefined;
};

const safeDecode = (s: string): string => {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
};

export const matches = (m: MatchPlan, req: MatchInput): boolean => {
  if (m.methods !== undefined && !m.methods.includes(req.method)) return false;
  if (m.path !== undefined && req.path !== m.path) return false;
  if (m.pathPrefix !== undefined && !req.path.startsWith(m.pathPrefix)) return false;
  if (m.pathRegex !== undefined && !m.pathRegex.test(req.path)) return false;
  if (m.hosts !== undefined && !m.hosts.some((h) => hostMatches(h, req.host))) return false;
  if (m.headers !== undefined)
    for (const [name, vm] of m.headers) if (!valueMatches(vm, req.header(name))) return false;
  if (m.query !== undefined)
    for (const [name, vm] of m.query) if (!valueMatches(vm, queryValue(req.query, name))) return false;
  return true;
};

/** Split a request target into path and query (origin-form; absolute-form keeps its path part). */
export const splitTarget = (target: string): { path: string; query: string } => {
  let t = target;
  if (t.charCodeAt(0) !== 0x2f && t !== '*') {
    // absolute-form: scheme://authority/path?query
    const s = t.indexOf('//');
    const slash = s < 0 ? -1 : t.indexOf('/', s + 2);
    const q = t.indexOf('?', s + 2);
    t = slash < 0 || (q >= 0 && q < slash) ? `/${q >= 0 ? t.slice(q) : ''}` : t.slice(slash);
  }
  const q = t.indexOf('?');
  return q < 0 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q + 1) };
};

/** A Host / :authority value as matchers see it: lower-case, port and brackets dropped. */
export const bareHost = (host: string): string => {
  let h = host;
  if (h.startsWith('[')) {
    const e = h.indexOf(']');
    h = e < 0 ? h : h.slice(1, e);
  } else {
    const c = h.lastIndexOf(':');
    if (c >= 0) h = h.slice(0, c);
  }
  return h.toLowerCase();
};

/**
 * Whether every request `later` matches is also matched by `earlier` (so `later` can never be
 * chosen). Conservative: true only when that is certain from the keys alone.
 */
export const shadows = (earlier: MatchPlan, later: MatchPlan): boolean => {
  if (earlier.headers !== undefined || earlier.query !== undefined || earlier.pathRegex !== undefined)
    return sameExtra(earlier, later);
  if (earlier.methods !== undefined) {
    if (later.methods === undefined || !later.methods.every((x) => earlier.methods!.includes(x)))
      return false;
  }
  if (earlier.hosts !== undefined) {
    if (later.hosts === undefined) return false;
    if (!later.hosts.every((lh) => earlier.hosts!.some((eh) => hostCovers(eh, lh)))) return false;
  }
  if (earlier.path !== undefined) return later.path === earlier.path;
  if (earlier.pathPrefix !== undefined) {
    if (later.path !== undefined) return later.path.startsWith(earlier.pathPrefix);
    if (later.pathPrefix !== undefined) return later.pathPrefix.startsWith(earlier.pathPrefix);
    return false;
  }
  return true;
};

/** Every host `later` names is matched by pattern `earlier`. */
const hostCovers = (earlier: string, later: string): boolean =>
  earlier === later ||
  (earlier.startsWith('*.') && later.endsWith(earlier.slice(1)) && later.length > earlier.length - 1);

// An earlier route with header/query/regex keys shadows a later one only when both are the same match.
const sameExtra = (a: MatchPlan, b: MatchPlan): boolean =>
  JSON.stringify(plain(a)) === JSON.stringify(plain(b));
const plain = (m: MatchPlan): unknown => ({
  ...m,
  pathRegex: m.pathRegex?.source,
  headers: m.headers?.map(([n, v]) => [n, 'exact' in v ? v.exact : `~${v.regex.source}`]),
  query: m.query?.map(([n, v]) => [n, 'exact' in v ? v.exact : `~${v.regex.source}`]),
});
