// CPU a request spends in routing, in-process (no sockets, so a loaded machine disturbs it less than
// the keep-alive bench): the tlsterm-l7 contender's 10 routes, the request matching the last one
// (after prefix, exact-path and header routes), its pool of 3 picking a server. Run:
// node bench/route-cost.ts

import { FieldIndex } from '../src/http/field-lines.ts';
import type { ConnectionInfo } from '../src/http/index.ts';
import { parseRequestHead, type RequestHead } from '../src/http/index.ts';
import { createServerPools, type PoolPlan } from '../src/http/pools/index.ts';
import {
  buildRouteTable,
  H1MatchInput,
  headRewriteOf,
  type MatchPlan,
  type RoutePlan,
  routeRequest,
} from '../src/http/routes/index.ts';

const url = new URL('http://127.0.0.1:1');
const pool: PoolPlan = {
  name: 'app',
  servers: [1, 2, 3].map(() => ({ weight: 1, upstream: { url, connectTimeoutMs: 1, responseTimeoutMs: 1 } })),
  balance: 'round_robin',
  passive: { failures: 0, windowMs: 1, cooldownMs: 1 },
  slowStartMs: 0,
  retries: 1,
  retryBudgetPercent: 20,
  timeouts: { connectMs: 1, responseHeaderMs: 1, idleMs: 1, totalMs: 0 },
};
const proxy = { kind: 'proxy', pool: 'app' } as const;
const route = (id: string, match: MatchPlan, action: RoutePlan['action'] = proxy): RoutePlan => ({
  id,
  match,
  action,
});
const plans: RoutePlan[] = [
  ...[0, 1, 2].map((i) => route(`prefix${i}`, { pathPrefix: `/api${i}/` })),
  ...[0, 1, 2].map((i) =>
    route(`exact${i}`, { path: `/ping${i}` }, { kind: 'respond', status: 200, body: 'x', contentType: 't' }),
  ),
  ...[0, 1, 2].map((i) => route(`header${i}`, { headers: [['x-canary', { exact: String(i) }]] })),
  route('last', { pathPrefix: '/' }),
];
const pools = createServerPools([pool], null);
const table = buildRouteTable(
  plans,
  pools,
  { inspect: () => ({ status: 200, headers: [], body: '' }) },
  null,
);
const buf = Buffer.from('GET /1k HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n');
const head = parseRequestHead(buf, 0, buf.length, new FieldIndex(128)) as RequestHead;
const conn: ConnectionInfo = {
  clientAddress: '127.0.0.1',
  clientPort: 1,
  localAddress: '127.0.0.1',
  localPort: 443,
  serverName: 'bench.test',
  alpn: 'http/1.1',
  tls: {},
};
const N = 1_000_000;
for (let round = 0; round < 5; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const r = routeRequest(table, new H1MatchInput(head, '/1k', 'bench.test'), conn, () => {});
    if (r !== null && r.local === null) {
      headRewriteOf(r.route, '/1k');
      r.attempt.end(r.attempt.server.conns, null);
    }
  }
  const t = process.cpuUsage(t0);
  console.log(`10 routes + pool of 3: ${(((t.user + t.system) * 1000) / N).toFixed(0)} ns CPU per request`);
}
pools.get('app')?.close();
