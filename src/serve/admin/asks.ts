// What the primary asks each worker for the admin API (over IPC, with a seq), and what a worker
// answers. Plain data: it crosses the process boundary ('advanced' serialization).

export interface KeylogOrder {
  /** A site id (listeners[i].sites[j]) or one of its host names; absent: every site. */
  readonly site?: string;
  /** A CIDR or one address; absent: every client. */
  readonly client?: string;
  readonly file: string;
  /** Workers stop by themselves at this time (ms since the epoch), whatever else happens. */
  readonly until: number;
}

export interface EventQuery {
  readonly limit: number;
  readonly site?: string;
  readonly reason?: string;
  readonly client?: string;
}

export type AdminAsk =
  | { readonly what: 'certificates' }
  | { readonly what: 'connections'; readonly limit: number }
  | { readonly what: 'ticket-keys' }
  | { readonly what: 'events'; readonly query: EventQuery }
  | { readonly what: 'keylog-start'; readonly order: KeylogOrder }
  | { readonly what: 'keylog-stop' };

export interface PairInService {
  readonly site: string;
  readonly hosts: readonly string[];
  /** listeners[i].sites[j].certificates[k] */
  readonly id: string;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly string[];
  readonly not_after: string;
  readonly key_type: string;
  readonly cert_file: string;
  readonly key_file: string;
  /** The ACME lineage (live/<name>/) when the site is ACME-managed. */
  readonly acme_lineage: string | null;
  readonly last_reload: {
    readonly result: 'reloaded' | 'refused';
    readonly at: string;
    /** The refused serial, or the one swapped in. */
    readonly serial: string | null;
    readonly reason: string | null;
  } | null;
}

export interface ConnectionEntry {
  readonly listener: string;
  readonly client: string;
  readonly sni: string | null;
  readonly site: string | null;
  readonly version: string | null;
  readonly alpn: string | null;
  /** tls (terminated), or passthrough / handshaking before that is known. */
  readonly protocol: string;
  readonly age_seconds: number;
}

export interface ConnectionsAnswer {
  /** listener → protocol → count */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly total: number;
  readonly list: readonly ConnectionEntry[];
}

export interface TicketKeyEntry {
  readonly listener: string;
  /** The first 4 bytes of the key name, hex. Never the key. */
  readonly name_prefix: string;
  readonly age_seconds: number;
  readonly role: 'current' | 'decrypt-only' | 'next';
}

export interface KeylogState {
  readonly on: boolean;
  readonly file?: string;
  readonly site?: string;
  readonly client?: string;
  readonly until?: string;
  /** Lines this worker wrote. */
  readonly lines?: number;
}

export type AdminAnswer =
  | { readonly what: 'certificates'; readonly pairs: readonly PairInService[] }
  | { readonly what: 'connections'; readonly connections: ConnectionsAnswer }
  | { readonly what: 'ticket-keys'; readonly keys: readonly TicketKeyEntry[] }
  | { readonly what: 'events'; readonly events: readonly Readonly<Record<string, unknown>>[] }
  | { readonly what: 'keylog'; readonly keylog: KeylogState }
  | { readonly what: 'error'; readonly error: string };
