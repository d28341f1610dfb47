// The plain-HTTP listener (port 80): answers ACME HTTP-01 challenges and sends everything else to
// HTTPS with a 308 (method and body kept). Not a hot path: node:http is enough here.

import type { Server } from 'node:http';
import { http } from '../builtins.ts';
import type { HttpListenerPlan } from '../config/plan.ts';
import type { Logger } from '../observe/index.ts';

const CHALLENGE_PREFIX = '/.well-known/acme-challenge/';
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** Looks up the key authorization for an HTTP-01 token (undefined: no such challenge pending). */
export type Http01Lookup = (token: string) => string | undefined | Promise<string | undefined>;

/** Where a request for `host` + `path` is redirected; undefined when the Host is unusable. */
export function httpsRedirectTarget(
  hostHeader: string | undefined,
  path: string,
  httpsPort: number,
): string | undefined {
  if (hostHeader === undefined || hostHeader === '') return undefined;
  // Host may carry a port (the HTTP one) and be an IPv6 literal in brackets.
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(hostHeader);
  if (!m?.[1]) return undefined;
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  return `https://${m[1].toLowerCase()}${port}${path.startsWith('/') ? path : '/'}`;
}

export function createHttpListener(plan: HttpListenerPlan, lookup: Http01Lookup, log: Logger): Server {
  return http.createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    const url = req.url ?? '/';
    void (async () => {
      if (url.startsWith(CHALLENGE_PREFIX)) {
        const token = url.slice(CHALLENGE_PREFIX.length);
        const answer = TOKEN.test(token) ? await lookup(token) : undefined;
        log({
          event: 'acme_http01',
          listener: plan.name,
          client: req.socket.remoteAddress ?? null,
          token_known: answer !== undefined,
        });
        if (answer === undefined) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no such ACME challenge\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
        return;
      }
      const target = plan.redirectHttps
        ? httpsRedirectTarget(req.headers.host, url, plan.httpsPort)
        : undefined;
      if (target === undefined) {
        res
          .writeHead(plan.redirectHttps ? 400 : 404, { 'content-type': 'text/plain', connection: 'close' })
          .end(plan.redirectHttps ? 'a Host header is needed to redirect to HTTPS\n' : 'not found\n');
        return;
      }
      res
        .writeHead(308, { location: target, 'content-type': 'text/plain', connection: 'close' })
        .end(`${target}\n`);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}
