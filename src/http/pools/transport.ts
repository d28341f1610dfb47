// How a pool talks to one server, chosen by the URL's scheme: http:// and https:// use the HTTP/1.1
// keep-alive pool (upstream-pool.ts). Other transports (h2c://, h2 over https) register here.

import type { HttpUpstream } from '../types.ts';
import { Pool } from '../upstream-pool.ts';

/** Makes the connection pool of one server. */
export type ServerTransport = (upstream: HttpUpstream) => Pool;

const transports = new Map<string, ServerTransport>([
  ['http:', (u) => new Pool(u)],
  ['https:', (u) => new Pool(u)],
]);

export const transportFor = (scheme: string): ServerTransport | undefined => transports.get(scheme);

/** Schemes a pool's servers may use. */
export const transportSchemes = (): string[] => [...transports.keys()].map((s) => s.slice(0, -1));

export const registerTransport = (scheme: string, make: ServerTransport): void => {
  transports.set(scheme, make);
};
