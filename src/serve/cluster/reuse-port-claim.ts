// reuse_port's one hazard: a socket bound with SO_REUSEPORT joins any other one on the same address
// that the same user bound with it. A second tlsterm started by mistake (another state directory)
// would not fail with "address in use"; it would silently take half the connections. So before the
// workers bind an address with it, the primary binds it once without SO_REUSEPORT and lets go:
// that bind fails while anyone holds the address, reuse_port or not.

import { createServer } from 'node:net';
import type { Plan } from '../../config/plan.ts';
import { addressText, listenError } from '../bind-error.ts';
import { reusePortByAddress } from './restart-only.ts';

interface Address {
  readonly host: string;
  readonly port: number;
}

/** The reuse_port addresses of `next` that the workers of `running` do not hold yet. Pure. */
export function addressesToClaim(next: Plan, running?: Plan): Address[] {
  const held = running === undefined ? undefined : reusePortByAddress(running);
  return [...next.listeners, ...next.httpListeners]
    .filter((l) => l.reusePort === true && held?.get(addressText(l.host, l.port)) !== true)
    .flatMap((l) =>
      l.host === 'localhost' ? [{ host: '127.0.0.1', port: l.port }] : [{ host: l.host, port: l.port }],
    );
}

const bindOnce = ({ host, port }: Address): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(host, port, error)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });

/** Rejects with the bind error (and who holds the port) when an address is taken. */
export async function claimReusePorts(next: Plan, running?: Plan): Promise<void> {
  for (const address of addressesToClaim(next, running)) await bindOnce(address);
}
