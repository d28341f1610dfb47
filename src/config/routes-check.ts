// `routes:` of a site: each route's match compiled (a bad regex is an error that shows why), one
// action each (pool, upstream, redirect, respond or handler), rewrites only on proxy routes, and
// routes that can never be chosen because an earlier one takes every request they match (warning).

import type { PoolPlan, PoolTimeouts } from '../http/pools/index.ts';
import { type MatchPlan, type RoutePlan, shadows, type ValueMatcher } from '../http/routes/index.ts';
import { closestNames, didYouMean } from '../tls/suggest.ts';
import type { CheckContext } from './check-context.ts';
import { parseDuration } from './duration.ts';
import { inlinePool } from './pools-check.ts';
import type { RawMatch, RawRoute } from './schema.ts';

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const HANDLERS = ['inspect'] as const;
const ACTIONS = ['pool', 'upstream', 'redirect', 'respond', 'handler'] as const;

export interface CheckedRoutes {
  readonly routes: RoutePlan[];
  /** Pools made for inline `upstream:` routes. */
  readonly inline: PoolPlan[];
}

const regexAt = (ctx: CheckContext, where: string, source: string): RegExp | undefined => {
  try {
    return new RegExp(source);
  } catch (e) {
    ctx.add(
      'error',
      where,
      `regular expression /${source}/ does not compile: ${(e as Error).message}`,
      'fix the pattern (JavaScript RegExp syntax)',
    );
    return undefined;
  }
};

const valueMatcher = (ctx: CheckContext, where: string, raw: string): ValueMatcher | undefined => {
  if (!raw.startsWith('~')) return { exact: raw };
  const regex = regexAt(ctx, where, raw.slice(1));
  return regex === undefined ? undefined : { regex };
};

const list = (x: string | readonly string[] | undefined): readonly string[] | undefined =>
  x === undefined ? undefined : typeof x === 'string' ? [x] : x;

export function checkMatch(ctx: CheckContext, mp: string, m: RawMatch | undefined): MatchPlan | undefined {
  if (m === undefined) return {};
  let ok = true;
  const out: {
    hosts?: string[];
    path?: string;
    pathPrefix?: string;
    pathRegex?: RegExp;
    methods?: string[];
    headers?: [string, ValueMatcher][];
    query?: [string, ValueMatcher][];
  } = {};
  const hosts = list(m.host);
  if (hosts !== undefined) out.hosts = hosts.map((h) => h.toLowerCase());
  for (const key of ['path', 'path_prefix'] as const) {
    const v = m[key];
    if (v !== undefined && !v.startsWith('/')) {
      ctx.add('error', `${mp}.${key}`, `${key} '${v}' does not start with /`, `write ${key}: /${v}`);
      ok = false;
    }
  }
  if (m.path !== undefined) out.path = m.path;
  if (m.path_prefix !== undefined) out.pathPrefix = m.path_prefix;
  if (m.path_regex !== undefined) {
    const r = regexAt(ctx, `${mp}.path_regex`, m.path_regex);
    if (r === undefined) ok = false;
    else out.pathRegex = r;
  }
  const methods = list(m.method);
  if (methods !== undefined) out.methods = methods.map((x) => x.toUpperCase());
  for (const [key, field] of [
    ['header', 'headers'],
    ['query', 'query'],
  ] as const) {
    const raw = m[key];
    if (raw === undefined) continue;
    const pairs: [string, ValueMatcher][] = [];
    for (const [name, value] of Object.entries(raw)) {
      const vm = valueMatcher(ctx, `${mp}.${key}.${name}`, value);
      if (vm === undefined) ok = false;
      else pairs.push([key === 'header' ? name.toLowerCase() : name, vm]);
    }
    out[field] = pairs;
  }
  return ok ? out : undefined;
}

const timeoutsAt = (
  ctx: CheckContext,
  rp: string,
  t: RawRoute['timeouts'],
): Partial<PoolTimeouts> | undefined => {
  if (t === undefined) return {};
  const out: { -readonly [K in keyof PoolTimeouts]?: number } = {};
  const keys = [
    ['connect', 'connectMs'],
    ['response_header', 'responseHeaderMs'],
    ['idle', 'idleMs'],
    ['total', 'totalMs'],
  ] as const;
  let ok = true;
  for (const [key, field] of keys) {
    const raw = t[key];
    if (raw === undefined) continue;
    const d = parseDuration(raw);
    if (!d.ok || d.value < 0 || (d.value === 0 && key !== 'total')) {
      ctx.add('error', `${rp}.timeouts.${key}`, `${key} must be longer than zero`, 'e.g. 5s');
      ok = false;
    } else out[field] = d.value;
  }
  return ok ? out : undefined;
};

export function checkRoutes(
  ctx: CheckContext,
  sp: string,
  raw: readonly RawRoute[],
  pools: ReadonlyMap<string, PoolPlan>,
): CheckedRoutes | undefined {
  const routes: RoutePlan[] = [];
  const inline: PoolPlan[] = [];
  let ok = true;
  for (const [i, r] of raw.entries()) {
    const rp = `${sp}.routes[${i}]`;
    const given = ACTIONS.filter((a) => r[a] !== undefined);
    if (given.length !== 1) {
      ctx.add(
        'error',
        rp,
        given.length === 0
          ? 'the route has no action'
          : `the route has ${given.join(' and ')}: one action per route`,
        'give one of pool, upstream, redirect, respond, handler',
      );
      ok = false;
      continue;
    }
    const match = checkMatch(ctx, `${rp}.match`, r.match);
    const proxy = r.pool !== undefined || r.upstream !== undefined;
    if (!proxy)
      for (const key of ['strip_prefix', 'replace_prefix', 'host', 'timeouts'] as const)
        if (r[key] !== undefined) {
          ctx.add(
            'error',
            `${rp}.${key}`,
            `${key} applies to routes that proxy (pool or upstream)`,
            `remove ${key}`,
          );
          ok = false;
        }
    if (r.strip_prefix !== undefined && r.replace_prefix !== undefined) {
      ctx.add('error', `${rp}.replace_prefix`, 'strip_prefix and replace_prefix together', 'keep one');
      ok = false;
    }
    const action = ((): RoutePlan['action'] | undefined => {
      if (r.redirect !== undefined) {
        const status = r.redirect.status ?? 302;
        if (!REDIRECT_STATUSES.includes(status)) {
          ctx.add(
            'error',
            `${rp}.redirect.status`,
            `redirect status ${status} is not a redirect`,
            `use one of ${REDIRECT_STATUSES.join(', ')}`,
          );
          return undefined;
        }
        return { kind: 'redirect', status, location: r.redirect.location };
      }
      if (r.respond !== undefined) {
        const status = r.respond.status ?? 200;
        if (status < 200 || status > 599) {
          ctx.add(
            'error',
            `${rp}.respond.status`,
            `respond status ${status} is not a final status (200-599)`,
            'e.g. 200',
          );
          return undefined;
        }
        return {
          kind: 'respond',
          status,
          body: r.respond.body ?? '',
          contentType: r.respond.content_type ?? 'text/plain; charset=utf-8',
        };
      }
      if (r.handler !== undefined) {
        if ((HANDLERS as readonly string[]).includes(r.handler)) return { kind: 'handler', name: 'inspect' };
        ctx.add(
          'error',
          `${rp}.handler`,
          `unknown handler '${r.handler}'${didYouMean(closestNames(r.handler, HANDLERS))}`,
          `handlers: ${HANDLERS.join(', ')}`,
        );
        return undefined;
      }
      let pool: string;
      if (r.pool !== undefined) {
        if (!pools.has(r.pool)) {
          ctx.add(
            'error',
            `${rp}.pool`,
            `unknown pool '${r.pool}'${didYouMean(closestNames(r.pool, pools.keys()))}`,
            pools.size === 0
              ? 'define it under pools: at the top level'
              : `pools: ${[...pools.keys()].join(', ')}`,
          );
          return undefined;
        }
        pool = r.pool;
      } else {
        const p = inlinePool(ctx, `${rp}.upstream`, rp, r.upstream!);
        if (p === undefined) return undefined;
        inline.push(p);
        pool = rp;
      }
      for (const [key, v] of [
        ['strip_prefix', r.strip_prefix],
        ['replace_prefix', r.replace_prefix?.from],
      ] as const)
        if (v !== undefined && !v.startsWith('/')) {
          ctx.add('error', `${rp}.${key}`, `${key} '${v}' does not start with /`, `write /${v}`);
          return undefined;
        }
      const timeouts = timeoutsAt(ctx, rp, r.timeouts);
      if (timeouts === undefined) return undefined;
      const rewrite =
        r.strip_prefix !== undefined
          ? { from: r.strip_prefix, to: '' }
          : r.replace_prefix !== undefined
            ? { from: r.replace_prefix.from, to: r.replace_prefix.to }
            : undefined;
      return {
        kind: 'proxy',
        pool,
        ...(rewrite !== undefined ? { rewrite } : {}),
        ...(r.host !== undefined ? { host: r.host } : {}),
        ...(Object.keys(timeouts).length > 0 ? { timeouts } : {}),
      };
    })();
    if (match === undefined || action === undefined) {
      ok = false;
      continue;
    }
    const earlier = routes.findIndex((e) => shadows(e.match, match));
    if (earlier >= 0) {
      const at = `${sp}.routes[${earlier}]`;
      const line = ctx.lineOf?.(at);
      ctx.add(
        'warning',
        rp,
        `this route is never used: ${at}${line !== undefined ? ` (line ${line})` : ''} comes first and matches every request it would`,
        'put the more specific route first (first match wins), or remove one',
      );
    }
    routes.push({ id: rp, match, action });
  }
  return ok ? { routes, inline } : undefined;
}
