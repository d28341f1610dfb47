// The local actions of a route as LocalHandlers, so both fronts serve them the way they serve
// `inspect`: redirect (status + a Location template), respond (status, body, content type), and
// the circuit's 503 when a pool has no server up.

import type { LocalHandler, LocalResponse } from '../types.ts';

type Fields = readonly (readonly [string, string])[];

import { bareHost, splitTarget } from './match.ts';

/** `{host} {path} {query} {uri}` filled from the request; a value with CR/LF never reaches a header. */
export const expandLocation = (template: string, host: string, target: string): string => {
  const { path, query } = splitTarget(target);
  return template.replace(/\{(host|path|query|uri)\}/g, (_, k: string) =>
    k === 'host' ? host : k === 'path' ? path : k === 'query' ? query : target,
  );
};

export const redirectHandler =
  (status: number, location: string): LocalHandler =>
  (req, conn) => {
    const hostField = req.headers.find(([n]) => n === 'host')?.[1] ?? conn.serverName ?? '';
    return {
      status,
      headers: [
        ['location', expandLocation(location, bareHost(hostField), req.target)],
        ['content-type', 'text/plain; charset=utf-8'],
      ],
      body: '',
    };
  };

export const respondHandler = (status: number, body: string, contentType: string): LocalHandler => {
  const res: LocalResponse = Object.freeze({
    status,
    headers: [['content-type', contentType]] as Fields,
    body,
  });
  return () => res;
};

/** Seconds a client is told to wait when no server of a pool is up. */
export const RETRY_AFTER_S = 5;

const UNAVAILABLE: LocalResponse = Object.freeze({
  status: 503,
  headers: [
    ['retry-after', String(RETRY_AFTER_S)],
    ['content-type', 'text/plain; charset=utf-8'],
    ['cache-control', 'no-store'],
  ] as Fields,
  body: 'no upstream server is available\n',
});
export const unavailableHandler: LocalHandler = () => UNAVAILABLE;

const NOT_FOUND: LocalResponse = Object.freeze({
  status: 404,
  headers: [['content-type', 'text/plain; charset=utf-8']] as Fields,
  body: 'no route\n',
});
/** A site with routes and no `upstream:` answers 404 to a request no route matches. */
export const noRouteHandler: LocalHandler = () => NOT_FOUND;
