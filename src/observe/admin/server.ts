// The admin listener: one node:http server, in the cluster primary. It answers the routes registered
// in `AdminRoutes` (so /metrics or a status page is added by registering a handler), checks the
// bearer token, bounds what a request may send and how long it may take, and never throws on a
// request: a handler's failure is a 500 with the error's message.

import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type net from 'node:net';
import { http } from '../../builtins.ts';
import type { Logger } from '../logger.ts';
import { tokenMatches } from './auth.ts';
import { type AdminReply, type AdminRequest, type AdminRoute, type AdminRoutes, failure } from './routes.ts';
import type { AdminPlan } from './settings.ts';

/** A request body larger than this is refused (the API takes small JSON objects). */
const MAX_BODY_BYTES = 64 * 1024;
/** Headers and body must arrive within this; a handler has as long again. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Open admin connections at once (scrapers, probes, an operator). */
const MAX_CONNECTIONS = 64;

export interface AdminServer {
  /** Where it listens (the port the OS chose for port 0). */
  readonly address: string;
  readonly port: number;
  readonly routes: AdminRoutes;
  close(): Promise<void>;
}

const clientOf = (socket: net.Socket): string => {
  const a = socket.remoteAddress ?? '?';
  return `${a.includes(':') ? `[${a}]` : a}:${socket.remotePort ?? 0}`;
};

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function send(res: ServerResponse, reply: AdminReply, head: boolean): void {
  const text = typeof reply.body === 'string' ? reply.body : `${JSON.stringify(reply.body, null, 2)}\n`;
  const type =
    reply.contentType ??
    (typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  res.writeHead(reply.status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(head ? undefined : text);
}

async function answer(
  req: IncomingMessage,
  routes: AdminRoutes,
  token: string | undefined,
  route: AdminRoute | undefined,
  url: URL,
): Promise<AdminReply> {
  const method = req.method ?? 'GET';
  if (route === undefined) {
    const allowed = routes.methodsAt(url.pathname);
    return allowed.length === 0
      ? failure(404, `no admin endpoint at ${url.pathname}`, 'GET /api/v1/ lists them')
      : { ...failure(405, `${method} is not allowed here`), headers: { allow: allowed.join(', ') } };
  }
  if (token !== undefined && route.public !== true && !tokenMatches(req.headers.authorization, token))
    return {
      ...failure(401, 'a bearer token is required', 'send Authorization: Bearer <admin.token>'),
      headers: { 'www-authenticate': 'Bearer realm="tlsterm"' },
    };
  const body = await readBody(req);
  if (body === undefined) return failure(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
  const request: AdminRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    body,
    client: clientOf(req.socket),
  };
  try {
    return await route.handler(request);
  } catch (error) {
    return failure(500, error instanceof Error ? error.message : String(error));
  }
}

export async function startAdminServer(
  plan: AdminPlan,
  routes: AdminRoutes,
  log: Logger,
): Promise<AdminServer> {
  const server = http.createServer({
    requestTimeout: REQUEST_TIMEOUT_MS,
    headersTimeout: REQUEST_TIMEOUT_MS,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // A handler that never answers must not hold the socket: the reply is a 504 after the bound
    // (the route's own, e.g. a reload that waits for new workers, or the server's).
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const route = routes.find(req.method ?? 'GET', url.pathname);
    const timer = setTimeout(
      () => send(res, failure(504, 'the admin request took too long'), false),
      route?.timeoutMs ?? REQUEST_TIMEOUT_MS,
    );
    answer(req, routes, plan.token, route, url).then(
      (reply) => {
        clearTimeout(timer);
        if (!res.headersSent) send(res, reply, req.method === 'HEAD');
      },
      () => clearTimeout(timer),
    );
  });
  // Admin clients are few; an idle keep-alive connection is closed soon, and a flood of them is
  // refused at the socket rather than queued.
  server.keepAliveTimeout = 5000;
  server.maxConnections = MAX_CONNECTIONS;
  const host = plan.host === 'localhost' ? '127.0.0.1' : plan.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: plan.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  log({
    event: 'admin_listening',
    address: bound.address,
    port: bound.port,
    token: plan.token !== undefined,
  });
  return {
    address: bound.address,
    port: bound.port,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
