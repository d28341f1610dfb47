// What a PROXY protocol header (HAProxy's spec, v1 text or v2 binary) tells a server behind an L4
// balancer: who the client really is. Types shared by the two codecs and the accept step.

export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
}

/** v2's TLVs that tlsterm reads (PP2_TYPE_*); unknown ones are skipped. */
export interface ProxyTlvs {
  /** PP2_TYPE_ALPN: the protocol the client negotiated with the balancer (when it terminated TLS). */
  readonly alpn?: string;
  /** PP2_TYPE_AUTHORITY: the host name the client asked for (SNI). */
  readonly authority?: string;
  /** PP2_TYPE_UNIQUE_ID, hex. */
  readonly uniqueId?: string;
  /** PP2_TYPE_SSL: the client's connection to the balancer was TLS. */
  readonly ssl?: {
    readonly clientSsl: boolean;
    readonly certVerified: boolean;
    readonly version?: string;
    readonly cn?: string;
    readonly cipher?: string;
  };
}

export interface ProxyHeader {
  readonly version: 1 | 2;
  /**
   * 'proxy': a relayed connection, `source` is the real client. 'local': the balancer's own
   * connection (a health check; v1 UNKNOWN, v2 LOCAL or an unspecified/unix family): the socket's
   * own addresses stand.
   */
  readonly command: 'proxy' | 'local';
  readonly source?: ProxyEndpoint;
  readonly destination?: ProxyEndpoint;
  readonly tlvs: ProxyTlvs;
}

export type ProxyVerdict =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'header'; readonly header: ProxyHeader; readonly length: number }
  | { readonly kind: 'malformed'; readonly detail: string };

export const NEED_MORE: ProxyVerdict = { kind: 'need-more' };

export const malformed = (detail: string): ProxyVerdict => ({ kind: 'malformed', detail });

/** A port as the header writes it: decimal (v1) or 16-bit (v2). */
export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
