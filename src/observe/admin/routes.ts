// The admin listener's routing seam: a route is a method, an exact path and a handler. Other modules
// (health, the JSON API, /metrics, the status page) add theirs through `AdminRoutes.add`.

export interface AdminRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request body as text ('' when none); bounded by the server. */
  readonly body: string;
  /** The client's address and port, as `addr:port` (IPv6 in brackets). */
  readonly client: string;
}

export interface AdminReply {
  readonly status: number;
  /** Default: application/json when `body` is not a string, text/plain otherwise. */
  readonly contentType?: string;
  /** A string is sent as is; anything else as JSON. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  handler(request: AdminRequest): Promise<AdminReply>;
  /** Answered without the token (health probes); default false. */
  readonly public?: boolean;
}

export interface AdminRoutes {
  /** Add a route; a second route for the same method and path replaces the first. */
  add(route: AdminRoute): void;
  find(method: string, path: string): AdminRoute | undefined;
  /** The methods some route answers at `path` (for 405 with Allow). */
  methodsAt(path: string): string[];
  list(): readonly AdminRoute[];
}

const keyOf = (method: string, path: string): string => `${method} ${path}`;

export function createAdminRoutes(initial: readonly AdminRoute[] = []): AdminRoutes {
  const routes = new Map<string, AdminRoute>();
  const add = (route: AdminRoute): void => {
    routes.set(keyOf(route.method, route.path), route);
  };
  for (const r of initial) add(r);
  return {
    add,
    find: (method, path) => routes.get(keyOf(method === 'HEAD' ? 'GET' : method, path)),
    methodsAt: (path) => [...routes.values()].filter((r) => r.path === path).map((r) => r.method),
    list: () => [...routes.values()],
  };
}

/** A JSON reply. */
export const json = (status: number, body: unknown): AdminReply => ({ status, body });

/** A JSON error reply: `{ "error": …, "hint"?: … }`. */
export const failure = (status: number, error: string, hint?: string): AdminReply => ({
  status,
  body: hint === undefined ? { error } : { error, hint },
});
