// The JSON runtime API under /api/v1/: what the running instance holds, and the actions on it.
// Bounded lists: `limit` is clamped to 1..MAX_LIMIT.

import { type AdminReply, type AdminRequest, type AdminRoute, failure, json } from './routes.ts';
import type { AdminSources, Gathered, JsonObject, SourceAnswer } from './sources.ts';

export const API = '/api/v1';
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** `?limit=N`: a whole number clamped to 1..MAX_LIMIT; `fallback` when absent. */
export function limitOf(query: URLSearchParams, fallback: number): number | undefined {
  const text = query.get('limit');
  if (text === null) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) return undefined;
  return Math.min(n, MAX_LIMIT);
}

const gathered = (g: Gathered<JsonObject>): AdminReply =>
  json(200, { ...g.value, ...(g.missing.length > 0 ? { missing_workers: g.missing } : {}) });

const answered = <T>(a: SourceAnswer<T>, ok: (value: T) => AdminReply): AdminReply =>
  a.ok ? ok(a.value) : failure(a.status, a.error, a.hint);

function bodyObject(request: AdminRequest): JsonObject | undefined {
  if (request.body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(request.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

const badLimit = () =>
  failure(400, 'limit is a whole number', `e.g. ?limit=${DEFAULT_LIMIT} (at most ${MAX_LIMIT})`);

export function apiRoutes(sources: AdminSources): AdminRoute[] {
  const routes: AdminRoute[] = [
    { method: 'GET', path: `${API}/status`, handler: async () => json(200, await sources.status()) },
    {
      method: 'GET',
      path: `${API}/certificates`,
      handler: async () => gathered(await sources.certificates()),
    },
    {
      method: 'GET',
      path: `${API}/connections`,
      handler: async ({ query }) => {
        const limit = limitOf(query, 0);
        return limit === undefined ? badLimit() : gathered(await sources.connections(limit));
      },
    },
    { method: 'GET', path: `${API}/ticket-keys`, handler: async () => gathered(await sources.ticketKeys()) },
    {
      method: 'GET',
      path: `${API}/events`,
      handler: async ({ query }) => {
        const limit = limitOf(query, DEFAULT_LIMIT);
        if (limit === undefined) return badLimit();
        const site = query.get('site');
        const reason = query.get('reason');
        const client = query.get('client');
        return answered(
          await sources.events({
            limit,
            ...(site !== null ? { site } : {}),
            ...(reason !== null ? { reason } : {}),
            ...(client !== null ? { client } : {}),
          }),
          gathered,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/reload`,
      handler: async () => {
        const outcome = await sources.reload();
        return json(outcome.ok ? 200 : 409, outcome);
      },
    },
    {
      method: 'POST',
      path: `${API}/keylog`,
      handler: async (request) => {
        const body = bodyObject(request);
        if (body === undefined)
          return failure(400, 'the body is a JSON object', '{ "site": "example.test", "duration": "5m" }');
        return answered(await sources.keylogStart(body), (v) => json(200, v));
      },
    },
    {
      method: 'DELETE',
      path: `${API}/keylog`,
      handler: async () => answered(await sources.keylogStop(), (v) => json(200, v)),
    },
  ];
  const index: AdminRoute = {
    method: 'GET',
    path: `${API}/`,
    handler: async () => json(200, { endpoints: routes.map((r) => `${r.method} ${r.path}`) }),
  };
  return [index, ...routes];
}
