// A rule's `match:` compiled once at config load, and tested against one request. The vocabulary is
// the routes' one (method, path, path_prefix, path_regex, header, query: see src/http/routes/) plus
// the rule-only keys client (CIDRs), sni and client_cert_subject. Every key given must match (AND);
// a list (method, client, sni) matches when one of its entries does.

import { type AddressSet, addressSet, parseCidr } from './cidr.ts';

/** A `match:` as the config states it. */
export interface MatchSpec {
  readonly method?: string | readonly string[];
  readonly path?: string;
  readonly path_prefix?: string;
  readonly path_regex?: string;
  /** name → exact value, or "~REGEX" */
  readonly header?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly client?: string | readonly string[];
  readonly sni?: string | readonly string[];
  /** Glob (* and ?) on the RFC 4514 subject of a verified client certificate. */
  readonly client_cert_subject?: string;
}

/** What a rule sees of a request; `header` gives every value of a (lower-case) field name. */
export interface RequestFacts {
  readonly method: string;
  /** The request target as sent (origin-form: path and query). */
  readonly target: string;
  header(lowerName: string): readonly string[];
  readonly conn: ConnectionFacts;
}

/** What a rule reads of the connection (ConnectionInfo: the client address is the PROXY header's when one is accepted). */
export interface ConnectionFacts {
  readonly clientAddress: string;
  readonly serverName: string | undefined;
  /** RFC 4514 subject of a verified client certificate; absent without one. */
  readonly clientCertSubject?: string;
}

/**
 * A header or query value test as data (it crosses to the workers with the plan): a string is
 * compared exactly, a RegExp tested, null (a regex that did not compile) matches nothing.
 */
export type ValueTest = string | RegExp | null;

const passes = (t: ValueTest, v: string): boolean =>
  typeof t === 'string' ? v === t : t !== null && t.test(v);

export interface CompiledMatch {
  readonly methods: readonly string[] | null;
  readonly path: string | null;
  readonly pathPrefix: string | null;
  readonly pathRegex: RegExp | null;
  readonly headers: readonly (readonly [string, ValueTest])[];
  readonly query: readonly (readonly [string, ValueTest])[];
  readonly clients: AddressSet | null;
  readonly sni: readonly string[] | null;
  readonly certSubject: RegExp | null;
}

/** A problem in a match, with the key path below `match` (e.g. "client[1]"). */
export interface MatchProblem {
  readonly where: string;
  readonly message: string;
  readonly hint: string;
}

const list = (x: string | readonly string[] | undefined): readonly string[] | undefined =>
  x === undefined ? undefined : typeof x === 'string' ? [x] : x;

/**
 * A regex as written in the config: JS syntax, with a leading `(?i)` (PCRE/Go/RE2's flag, as
 * operators write it) taken as the i flag.
 */
export const compileRegex = (src: string): RegExp | string => {
  let flags = '';
  let body = src;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  try {
    return new RegExp(body, flags);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
};

/** "exact" or "~REGEX". */
const valueTest = (spec: string, where: string, problems: MatchProblem[]): ValueTest => {
  if (!spec.startsWith('~')) return spec;
  const re = compileRegex(spec.slice(1));
  if (typeof re === 'string') {
    problems.push({
      where,
      message: `regex '${spec.slice(1)}' does not compile: ${re}`,
      hint: 'fix the regular expression (JavaScript syntax; a leading (?i) ignores case)',
    });
    return null;
  }
  return re;
};

/** Glob with * (any run) and ? (one character), anchored. */
export const globRegex = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SNI = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/;

export const compileMatch = (m: MatchSpec): { match: CompiledMatch; problems: MatchProblem[] } => {
  const problems: MatchProblem[] = [];
  const methods = list(m.method);
  methods?.forEach((x, k) => {
    if (!METHOD.test(x))
      problems.push({
        where: typeof m.method === 'string' ? 'method' : `method[${k}]`,
        message: `'${x}' is not a method name`,
        hint: 'use a method token such as GET',
      });
  });
  for (const key of ['path', 'path_prefix'] as const) {
    const p = m[key];
    if (p !== undefined && !p.startsWith('/'))
      problems.push({
        where: key,
        message: `${key} '${p}' does not start with /`,
        hint: 'paths start with /',
      });
  }
  let pathRegex: RegExp | null = null;
  if (m.path_regex !== undefined) {
    const re = compileRegex(m.path_regex);
    if (typeof re === 'string')
      problems.push({
        where: 'path_regex',
        message: `regex '${m.path_regex}' does not compile: ${re}`,
        hint: 'fix the regular expression (JavaScript syntax)',
      });
    else pathRegex = re;
  }
  const headers: (readonly [string, ValueTest])[] = [];
  for (const [name, spec] of Object.entries(m.header ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      problems.push({
        where: `header.${name}`,
        message: `'${name}' is not a header name`,
        hint: 'use a field name token',
      });
    headers.push([name.toLowerCase(), valueTest(spec, `header.${name}`, problems)]);
  }
  const query: (readonly [string, ValueTest])[] = [];
  for (const [name, spec] of Object.entries(m.query ?? {}))
    query.push([name, valueTest(spec, `query.${name}`, problems)]);
  const clients = list(m.client);
  clients?.forEach((c, k) => {
    const r = parseCidr(c);
    if (!r.ok)
      problems.push({
        where: typeof m.client === 'string' ? 'client' : `client[${k}]`,
        message: `invalid CIDR '${c}': ${r.error}`,
        hint: 'use 203.0.113.0/24, 2001:db8::/32 or a single address',
      });
  });
  const sni = list(m.sni)?.map((s) => s.toLowerCase());
  sni?.forEach((s, k) => {
    if (!SNI.test(s))
      problems.push({
        where: typeof m.sni === 'string' ? 'sni' : `sni[${k}]`,
        message: `'${s}' is not a server name`,
        hint: 'use a DNS name or *.name',
      });
  });
  return {
    match: {
      methods: methods === undefined ? null : methods.map((x) => x.toUpperCase()),
      path: m.path ?? null,
      pathPrefix: m.path_prefix ?? null,
      pathRegex,
      headers,
      query,
      clients: clients === undefined ? null : addressSet(clients),
      sni: sni ?? null,
      certSubject: m.client_cert_subject === undefined ? null : globRegex(m.client_cert_subject),
    },
    problems,
  };
};

const sniMatches = (patterns: readonly string[], name: string | undefined): boolean => {
  if (name === undefined) return false;
  const n = name.toLowerCase();
  for (const p of patterns) {
    if (p === n) return true;
    // *.example.com: one label, as certificates' wildcards.
    if (p.startsWith('*.') && n.endsWith(p.slice(1)) && n.indexOf('.') === n.length - p.length + 1)
      return true;
  }
  return false;
};

const queryValues = (target: string, name: string): string[] => {
  const q = target.indexOf('?');
  if (q < 0) return [];
  return new URLSearchParams(target.slice(q + 1)).getAll(name);
};

/** Does the request match? Cheap keys first; nothing here allocates unless query is used. */
export const matches = (m: CompiledMatch, req: RequestFacts): boolean => {
  if (m.methods !== null && !m.methods.includes(req.method)) return false;
  if (m.clients !== null && !m.clients.has(req.conn.clientAddress)) return false;
  if (m.sni !== null && !sniMatches(m.sni, req.conn.serverName)) return false;
  if (m.certSubject !== null) {
    const subject = req.conn.clientCertSubject;
    if (subject === undefined || !m.certSubject.test(subject)) return false;
  }
  if (m.path !== null || m.pathPrefix !== null || m.pathRegex !== null) {
    const t = req.target;
    const q = t.indexOf('?');
    const path = q < 0 ? t : t.slice(0, q);
    if (m.path !== null && path !== m.path) return false;
    if (m.pathPrefix !== null && !path.startsWith(m.pathPrefix)) return false;
    if (m.pathRegex !== null && !m.pathRegex.test(path)) return false;
  }
  for (const [name, test] of m.headers) if (!req.header(name).some((v) => passes(test, v))) return false;
  for (const [name, test] of m.query)
    if (!queryValues(req.target, name).some((v) => passes(test, v))) return false;
  return true;
};
