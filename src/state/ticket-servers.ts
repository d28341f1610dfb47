// Resuming tickets made under older keys. A tls.Server holds one ticket key (Node's public API),
// and OpenSSL decrypts tickets with the keys of the context the connection started on (an
// SNICallback context switch does not change that). So a site keeps one tls.Server per live key,
// and the accept path, which has read the ClientHello anyway, hands each connection to the server
// holding the key its ticket names (ticketKeyName), or to the current key's server when the hello
// has no ticket or an aged-out one (OpenSSL then does a full handshake: never a failure).
//
// A client that resumes under an older key is given its next ticket under that same key (the
// server it landed on holds no other); it moves to the newest key at its first full handshake,
// at the latest when the old key ages out.

import type tls from 'node:tls';
import type { ClientHello } from '../wire/index.ts';
import type { TicketKey } from './ticket-key.ts';
import { ticketKeyName } from './ticket-key-name.ts';
import type { TicketKeyRing } from './ticket-key-ring.ts';

export interface TicketServers {
  /** The server for this ClientHello: the one able to decrypt its ticket, else the current key's. */
  serverFor(hello: ClientHello): tls.Server;
  /** The server issuing under the current key. */
  current(): tls.Server;
  /** The servers alive now (e.g. to swap certificates on each, with `setSecureContext`). */
  servers(): tls.Server[];
  /** setSecureContext on every server (and on servers made later), keeping each one's ticket key. */
  setSecureContext(options: tls.SecureContextOptions): void;
  /** Stop following the ring (the servers stay usable for connections already handed over). */
  close(): void;
}

export interface TicketServersOptions {
  readonly ring: TicketKeyRing;
  /**
   * Make a server (with the site's options and listeners). Its ticket key is set right after; the
   * options must fix `sessionIdContext` to the same value on every server (and every host).
   */
  readonly create: (key: TicketKey) => tls.Server;
}

export function createTicketServers(options: TicketServersOptions): TicketServers {
  const { ring, create } = options;
  const byName = new Map<string, { key: TicketKey; server: tls.Server }>();
  let context: tls.SecureContextOptions | undefined;

  const serverOf = (key: TicketKey): tls.Server => {
    const known = byName.get(key.nameHex);
    if (known !== undefined) return known.server;
    const server = create(key);
    if (context !== undefined) server.setSecureContext(context);
    server.setTicketKeys(key.material);
    byName.set(key.nameHex, { key, server });
    return server;
  };
  // Servers whose key no longer decrypts are dropped; connections already on them finish there.
  const prune = (): void => {
    for (const name of [...byName.keys()]) if (ring.byName(name) === undefined) byName.delete(name);
  };
  const unsubscribe = ring.subscribe(prune);
  serverOf(ring.current());

  return {
    serverFor(hello) {
      const name = ticketKeyName(hello);
      const key = name === undefined ? undefined : ring.byName(name);
      return serverOf(key ?? ring.current());
    },
    current: () => serverOf(ring.current()),
    servers() {
      prune();
      return [...byName.values()].map((e) => e.server);
    },
    setSecureContext(next) {
      context = next;
      // Node 24 carries the ticket keys over to the new context; set them again so a change there
      // cannot silently leave a server issuing under another key.
      for (const { key, server } of byName.values()) {
        server.setSecureContext(next);
        server.setTicketKeys(key.material);
      }
    },
    close: unsubscribe,
  };
}
