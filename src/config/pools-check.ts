// `pools:` (top level): named upstream pools — servers and weights, the balancer and its hash key,
// active and passive health, slow start, retries and their budget, timeouts, TLS toward https://
// servers. Each pool becomes a PoolPlan (http/pools/plan.ts). Routes' inline `upstream:` make a
// pool of one with the same defaults (inlinePool).

import {
  type ActiveHealthPlan,
  DEFAULT_PASSIVE,
  type HashKey,
  type PassivePlan,
  type PoolPlan,
  type PoolTimeouts,
  type ServerPlan,
  transportSchemes,
} from '../http/pools/index.ts';
import type { UpstreamTlsOptions } from '../http/types.ts';
import type { CheckContext } from './check-context.ts';
import { DEFAULTS } from './defaults.ts';
import { parseDuration } from './duration.ts';
import type { RawPool } from './schema.ts';

export const DEFAULT_POOL_TIMEOUTS: PoolTimeouts = {
  connectMs: DEFAULTS.connectTimeoutMs,
  responseHeaderMs: DEFAULTS.responseTimeoutMs,
  idleMs: DEFAULTS.responseTimeoutMs,
  totalMs: 0,
};
const DEFAULT_RETRIES = 1;
const DEFAULT_BUDGET = 20;
const DEFAULT_HEALTH: ActiveHealthPlan = {
  path: '/',
  intervalMs: 5_000,
  timeoutMs: 2_000,
  expectLow: 200,
  expectHigh: 399,
  rise: 2,
  fall: 3,
};

/** A duration > 0 (or ≥ 0 with `zeroOk`), or undefined with a Problem. */
const durationAt = (
  ctx: CheckContext,
  where: string,
  raw: string | number | undefined,
  fallback: number,
  zeroOk = false,
): number | undefined => {
  if (raw === undefined) return fallback;
  const d = parseDuration(raw);
  if (!d.ok || d.value < 0 || (d.value === 0 && !zeroOk)) {
    ctx.add(
      'error',
      where,
      `${where.split('.').pop()} must be ${zeroOk ? 'zero or more' : 'longer than zero'}`,
      'e.g. 5s',
    );
    return undefined;
  }
  return d.value;
};

const wholeAt = (
  ctx: CheckContext,
  where: string,
  raw: number | undefined,
  fallback: number,
  min: number,
  max: number,
) => {
  if (raw === undefined) return fallback;
  if (!Number.isInteger(raw) || raw < min || raw > max) {
    ctx.add(
      'error',
      where,
      `${where.split('.').pop()} must be a whole number from ${min} to ${max}`,
      `e.g. ${fallback}`,
    );
    return undefined;
  }
  return raw;
};

export const parseHashKey = (raw: string): HashKey | undefined => {
  if (raw === 'client_ip') return { kind: 'client_ip' };
  const m = /^(header|cookie):([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(raw);
  if (m === null) return undefined;
  return m[1] === 'header' ? { kind: 'header', name: m[2]!.toLowerCase() } : { kind: 'cookie', name: m[2]! };
};

/** "200-399", "200" or 204 → an inclusive range. */
const parseExpect = (raw: string | number): [number, number] | undefined => {
  const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(String(raw));
  if (m === null) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 100 && hi <= 599 && lo <= hi ? [lo, hi] : undefined;
};

/** "20%", "20" or 20 → 20. */
const parsePercent = (raw: string | number): number | undefined => {
  const n = typeof raw === 'number' ? raw : Number(raw.trim().replace(/%$/, ''));
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
};

/** A server URL of a pool, or undefined with a Problem. */
const serverUrl = (ctx: CheckContext, where: string, text: string): URL | undefined => {
  const url = URL.parse(text);
  const schemes = transportSchemes();
  if (url === null || url.hostname === '') {
    ctx.add('error', where, `server '${text}' is not a URL`, 'write e.g. http://127.0.0.1:8081');
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    ctx.add(
      'error',
      where,
      `unsupported server scheme ${scheme}://`,
      `use ${schemes.map((s) => `${s}://`).join(' or ')}`,
    );
    return undefined;
  }
  return url;
};

export async function checkPools(
  ctx: CheckContext,
  raw: Readonly<Record<string, RawPool>> | undefined,
): Promise<Map<string, PoolPlan>> {
  const pools = new Map<string, PoolPlan>();
  for (const [name, p] of Object.entries(raw ?? {})) {
    const plan = await checkPool(ctx, `pools.${name}`, name, p);
    if (plan !== undefined) pools.set(name, plan);
  }
  return pools;
}

async function checkPool(
  ctx: CheckContext,
  pp: string,
  name: string,
  p: RawPool,
): Promise<PoolPlan | undefined> {
  let ok = true;
  const bad = <T>(x: T | undefined): x is undefined => {
    if (x === undefined) ok = false;
    return x === undefined;
  };
  if (p.servers.length === 0) {
    ctx.add(
      'error',
      `${pp}.servers`,
      `pool ${name} has no servers`,
      'list at least one, e.g. servers: [http://127.0.0.1:8081]',
    );
    ok = false;
  }
  const t = p.timeouts;
  const connectMs = durationAt(ctx, `${pp}.timeouts.connect`, t?.connect, DEFAULT_POOL_TIMEOUTS.connectMs);
  const responseHeaderMs = durationAt(
    ctx,
    `${pp}.timeouts.response_header`,
    t?.response_header,
    DEFAULT_POOL_TIMEOUTS.responseHeaderMs,
  );
  const idleMs = durationAt(ctx, `${pp}.timeouts.idle`, t?.idle, DEFAULT_POOL_TIMEOUTS.idleMs);
  const totalMs = durationAt(ctx, `${pp}.timeouts.total`, t?.total, 0, true);
  if (bad(connectMs) || bad(responseHeaderMs) || bad(idleMs) || bad(totalMs)) ok = false;

  const tls = p.tls === undefined ? undefined : await poolTls(ctx, pp, p.tls);
  if (p.tls !== undefined && tls === undefined) ok = false;

  const servers: ServerPlan[] = [];
  for (const [i, s] of p.servers.entries()) {
    const where = typeof s === 'string' ? `${pp}.servers[${i}]` : `${pp}.servers[${i}].url`;
    const url = serverUrl(ctx, where, typeof s === 'string' ? s : s.url);
    const weight = typeof s === 'string' ? 1 : (s.weight ?? 1);
    if (!(weight > 0) || !Number.isFinite(weight)) {
      ctx.add(
        'error',
        `${pp}.servers[${i}].weight`,
        `weight must be more than 0 (got ${weight})`,
        'weights are relative shares, e.g. 1, 2, 5; remove a server instead of weighting it 0',
      );
      ok = false;
    }
    if (url === undefined) {
      ok = false;
      continue;
    }
    if (url.protocol !== 'https:' && p.tls !== undefined && url.protocol === 'http:') {
      ctx.add(
        'warning',
        `${pp}.tls`,
        `tls applies to https:// servers; ${url.host} is http://`,
        'use https:// for the servers that speak TLS',
      );
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    servers.push({
      weight,
      upstream: {
        url,
        connectTimeoutMs: connectMs ?? 0,
        responseTimeoutMs: responseHeaderMs ?? 0,
        ...(url.protocol === 'https:'
          ? {
              tls: {
                ...(tls ?? { verify: true }),
                servername: p.tls?.servername ?? host,
              } as UpstreamTlsOptions,
            }
          : {}),
      },
    });
  }

  const balance = p.balance ?? 'round_robin';
  let hashKey: HashKey | undefined;
  if (p.hash_key !== undefined) {
    hashKey = parseHashKey(p.hash_key);
    if (hashKey === undefined) {
      ctx.add(
        'error',
        `${pp}.hash_key`,
        `hash_key '${p.hash_key}' is not client_ip, header:NAME or cookie:NAME`,
        'e.g. hash_key: cookie:session',
      );
      ok = false;
    } else if (balance !== 'hash') {
      ctx.add(
        'warning',
        `${pp}.hash_key`,
        `hash_key has no effect with balance: ${balance}`,
        'set balance: hash, or remove hash_key',
      );
    }
  } else if (balance === 'hash') {
    ctx.add(
      'error',
      `${pp}.balance`,
      'balance: hash needs a hash_key',
      'add hash_key: client_ip (or header:NAME, cookie:NAME)',
    );
    ok = false;
  }

  let health: ActiveHealthPlan | undefined;
  if (p.health !== undefined) {
    const h = p.health;
    const hp = `${pp}.health`;
    const intervalMs = durationAt(ctx, `${hp}.interval`, h.interval, DEFAULT_HEALTH.intervalMs);
    const timeoutMs = durationAt(ctx, `${hp}.timeout`, h.timeout, DEFAULT_HEALTH.timeoutMs);
    const rise = wholeAt(ctx, `${hp}.rise`, h.rise, DEFAULT_HEALTH.rise, 1, 100);
    const fall = wholeAt(ctx, `${hp}.fall`, h.fall, DEFAULT_HEALTH.fall, 1, 100);
    const expect: [number, number] | undefined =
      h.expect === undefined ? [DEFAULT_HEALTH.expectLow, DEFAULT_HEALTH.expectHigh] : parseExpect(h.expect);
    if (expect === undefined)
      ctx.add(
        'error',
        `${hp}.expect`,
        `expect '${h.expect}' is not a status or a range of statuses`,
        'e.g. 200 or 200-399',
      );
    const path = h.path ?? DEFAULT_HEALTH.path;
    if (!path.startsWith('/'))
      ctx.add('error', `${hp}.path`, `health path '${path}' does not start with /`, 'e.g. /healthz');
    if (intervalMs !== undefined && timeoutMs !== undefined && intervalMs <= timeoutMs) {
      ctx.add(
        'error',
        `${hp}.interval`,
        `health interval (${intervalMs} ms) must be longer than its timeout (${timeoutMs} ms)`,
        'checks would overlap; e.g. interval: 5s, timeout: 2s',
      );
      ok = false;
    }
    if (bad(intervalMs) || bad(timeoutMs) || bad(rise) || bad(fall) || bad(expect) || !path.startsWith('/'))
      ok = false;
    else health = { path, intervalMs, timeoutMs, rise, fall, expectLow: expect[0], expectHigh: expect[1] };
  }

  let passive: PassivePlan = DEFAULT_PASSIVE;
  if (p.passive !== undefined) {
    const failures = wholeAt(
      ctx,
      `${pp}.passive.failures`,
      p.passive.failures,
      DEFAULT_PASSIVE.failures,
      0,
      1000,
    );
    const windowMs = durationAt(ctx, `${pp}.passive.window`, p.passive.window, DEFAULT_PASSIVE.windowMs);
    const cooldownMs = durationAt(
      ctx,
      `${pp}.passive.cooldown`,
      p.passive.cooldown,
      DEFAULT_PASSIVE.cooldownMs,
    );
    if (bad(failures) || bad(windowMs) || bad(cooldownMs)) ok = false;
    else passive = { failures, windowMs, cooldownMs };
  }
  const slowStartMs = durationAt(ctx, `${pp}.slow_start`, p.slow_start, 0, true);
  const retries = wholeAt(ctx, `${pp}.retries.attempts`, p.retries?.attempts, DEFAULT_RETRIES, 0, 10);
  let budget: number | undefined = DEFAULT_BUDGET;
  if (p.retries?.budget !== undefined) {
    budget = parsePercent(p.retries.budget);
    if (budget === undefined)
      ctx.add(
        'error',
        `${pp}.retries.budget`,
        `budget '${p.retries.budget}' is not a share from 0% to 100%`,
        'e.g. budget: 20%',
      );
  }
  if (bad(slowStartMs) || bad(retries) || bad(budget)) ok = false;
  if (
    !ok ||
    connectMs === undefined ||
    responseHeaderMs === undefined ||
    idleMs === undefined ||
    totalMs === undefined
  )
    return undefined;
  return {
    name,
    servers,
    balance,
    ...(hashKey !== undefined && balance === 'hash' ? { hashKey } : {}),
    ...(health !== undefined ? { health } : {}),
    passive,
    slowStartMs: slowStartMs ?? 0,
    retries: retries ?? DEFAULT_RETRIES,
    retryBudgetPercent: budget ?? DEFAULT_BUDGET,
    timeouts: { connectMs, responseHeaderMs, idleMs, totalMs },
  };
}

async function poolTls(
  ctx: CheckContext,
  pp: string,
  t: NonNullable<RawPool['tls']>,
): Promise<Omit<UpstreamTlsOptions, 'servername'> | undefined> {
  const verify = t.insecure_skip_verify !== true;
  if (!verify)
    ctx.add(
      'warning',
      `${pp}.tls.insecure_skip_verify`,
      'insecure_skip_verify is on: tlsterm accepts any certificate from these servers',
      "give the servers' CA instead (tls.ca) and remove insecure_skip_verify",
    );
  let caPems: string[] | undefined;
  if (t.ca !== undefined) {
    caPems = await ctx.readCaFiles(t.ca, `${pp}.tls.ca`);
    if (caPems === undefined) return undefined;
  }
  let clientCertificate: UpstreamTlsOptions['clientCertificate'];
  if (t.client_cert !== undefined) {
    const pair = await ctx.loadPair(t.client_cert.cert, t.client_cert.key, `${pp}.tls.client_cert`);
    if (pair === undefined) return undefined;
    clientCertificate = { certPem: pair.certPem, keyPem: pair.keyPem };
  }
  return {
    verify,
    ...(caPems !== undefined ? { caPems } : {}),
    ...(clientCertificate !== undefined ? { clientCertificate } : {}),
  };
}

/** A route's inline `upstream:` URL as a pool of one server, named by the route's config path. */
export const inlinePool = (
  ctx: CheckContext,
  where: string,
  name: string,
  text: string,
): PoolPlan | undefined => {
  const url = serverUrl(ctx, where, text);
  if (url === undefined) return undefined;
  if (url.protocol === 'https:') {
    ctx.add(
      'error',
      where,
      'an inline https:// upstream has no TLS settings',
      'define it under pools: with tls: { ca, servername }, and name the pool',
    );
    return undefined;
  }
  return {
    name,
    servers: [
      {
        weight: 1,
        upstream: {
          url,
          connectTimeoutMs: DEFAULT_POOL_TIMEOUTS.connectMs,
          responseTimeoutMs: DEFAULT_POOL_TIMEOUTS.responseHeaderMs,
        },
      },
    ],
    balance: 'round_robin',
    passive: DEFAULT_PASSIVE,
    slowStartMs: 0,
    retries: 0,
    retryBudgetPercent: DEFAULT_BUDGET,
    timeouts: DEFAULT_POOL_TIMEOUTS,
  };
};
