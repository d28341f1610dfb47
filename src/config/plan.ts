// The immutable runtime plan: what a validated config becomes. `serve` runs a Plan, `check` prints
// the Problems found while building one. Nothing here touches a socket.

import type { AcmePlan } from '../certs/acme/settings.ts';
import type { OcspPlan } from '../certs/ocsp/settings.ts';
import type { CertificatePair } from '../certs/pair.ts';
import type { HttpLimits, HttpTimeouts } from '../http/limits.ts';
import type { PoolPlan } from '../http/pools/index.ts';
import type { RoutePlan } from '../http/routes/index.ts';
import type { SiteFilters } from '../http/rules/index.ts';
import type { AdminPlan } from '../observe/admin/settings.ts';
import type { LogSettings } from '../observe/log-settings.ts';
import type { ResumptionSettings, StateBackendSettings } from '../state/settings.ts';
import type { TlsPolicy } from '../tls/policy.ts';
import type { RunAsPlan } from './privileges-check.ts';

/** TLS toward an https:// upstream (re-encryption). */
export interface UpstreamTls {
  /** Trusted CA certificates (PEM); undefined = the system store. */
  readonly caPems?: readonly string[];
  /** SNI sent, and the name the certificate must carry (default: the URL's host). */
  readonly servername: string;
  /** Client certificate presented to the upstream. */
  readonly clientCertificate?: { readonly certPem: string; readonly keyPem: string };
  /** Explicit opt-out of verification (`insecure_skip_verify`); check warns. */
  readonly verify: boolean;
}

export type ProxyProtocolVersion = 'v1' | 'v2';

export type Upstream =
  | {
      readonly kind: 'http';
      /** http:// or https:// */
      readonly url: URL;
      readonly connectTimeoutMs: number;
      readonly responseTimeoutMs: number;
      /** Set for https:// upstreams. */
      readonly tls?: UpstreamTls;
      /** false: no Via entry of ours on forwarded requests (absent: added, RFC 9110 §7.6.3). */
      readonly via?: boolean;
      /** Set: HTTP/2 to the app (h2c://, or https:// with alpn [h2]); http/upstream-h2/. */
      readonly h2?: H2UpstreamSettings;
    }
  | {
      readonly kind: 'tcp';
      /** tcp://host:port */
      readonly url: URL;
      readonly host: string;
      readonly port: number;
      readonly connectTimeoutMs: number;
      /** Close the relay when no byte moved either way for this long. */
      readonly idleTimeoutMs: number;
      /** Send a PROXY protocol header first, so the upstream learns the client's address. */
      readonly proxyProtocol?: ProxyProtocolVersion;
    };

/** HTTP/2 toward the app: streams multiplexed on as few connections as `maxStreams` allows. */
export interface H2UpstreamSettings {
  /** Streams per connection before a second one is opened (lowered by the peer's own setting). */
  readonly maxStreams: number;
}

export type TcpUpstream = Extract<Upstream, { kind: 'tcp' }>;
export type HttpUpstreamPlan = Extract<Upstream, { kind: 'http' }>;

/** Mutual TLS at the terminator. */
export interface ClientAuth {
  readonly mode: 'optional' | 'required';
  /** CA certificates client certificates must chain to (PEM). */
  readonly caPems: readonly string[];
  /** Add the client certificate's PEM (URL-encoded) to x-forwarded-client-cert. */
  readonly forwardPem: boolean;
}

export type Handler = { readonly kind: 'inspect' };

export interface SitePlan {
  /** Position in the config (listeners[i].sites[j]) so logs can point at it. */
  readonly id: string;
  /** Lower-cased names: exact ("a.test") and wildcard ("*.a.test"). */
  readonly hosts: readonly string[];
  readonly isDefault: boolean;
  /** terminate: TLS ends here; passthrough: bytes go to a TCP upstream undecrypted (by SNI). */
  readonly mode: 'terminate' | 'passthrough';
  /** Empty for passthrough sites. */
  readonly certificates: readonly CertificatePair[];
  readonly policy: TlsPolicy;
  readonly upstream?: Upstream;
  readonly handler?: Handler;
  /** ALPN protocols offered on the front, in preference order (may be empty). */
  readonly alpn: readonly string[];
  readonly clientAuth?: ClientAuth;
  /** Upgrade protocols tunnelled (lower-case names; [] = none); absent: websocket only. */
  readonly upgrade?: readonly string[];
  /** Set for ACME sites: `certificates` then holds what is on disk (or a placeholder) at start. */
  readonly acme?: AcmePlan;
  /** `ocsp:`; absent: stapling on when the certificate names a responder (certs DEFAULT_OCSP). */
  readonly ocsp?: OcspPlan;
  /** `routes:` — first match wins; `upstream`/`handler` serve what none matches. */
  readonly routes?: readonly RoutePlan[];
  /** Rules, header edits, HSTS, the site's own limits (compiled; src/http/rules). */
  readonly filters?: SiteFilters;
}

export interface ListenerPlan {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly policy: TlsPolicy;
  readonly strictSni: boolean;
  readonly sites: readonly SitePlan[];
  /** Bound on the whole TLS handshake (sniff + OpenSSL), ms (= timeouts.handshakeMs). */
  readonly handshakeTimeoutMs: number;
  /** `timeouts:` — how long each state of a connection may last. */
  readonly timeouts: HttpTimeouts;
  /** `limits:` — body and head sizes, h2 streams, connections per listener and per client. */
  readonly limits: HttpLimits;
  /** Bound on bytes read before a ClientHello must be complete. */
  readonly maxClientHelloBytes: number;
  /** Session cache and tickets (`session:`). */
  readonly resumption: ResumptionSettings;
  /** `proxy_protocol:` — behind an L4 balancer: a PROXY header first, from these sources only. */
  readonly proxyProtocol?: ProxyProtocolPlan;
  /** `reuse_port:` — each worker binds the address itself (SO_REUSEPORT); absent: the shared socket. */
  readonly reusePort?: true;
}

/** PROXY protocol in (serve/proxy-in/): the versions taken, and the balancers allowed to send them. */
export interface ProxyProtocolPlan {
  readonly accept: 'v1' | 'v2' | 'both';
  /** CIDRs (or bare addresses) of the balancers; anyone else is refused. */
  readonly from: readonly string[];
}

/** A plain-HTTP listener: answers ACME HTTP-01 and redirects everything else to HTTPS. */
export interface HttpListenerPlan {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly redirectHttps: boolean;
  /** Port in the redirect (443: none written). */
  readonly httpsPort: number;
  /** As ListenerPlan's. */
  readonly reusePort?: true;
}

export interface Plan {
  readonly source: string;
  readonly stateDir: string;
  readonly listeners: readonly ListenerPlan[];
  readonly httpListeners: readonly HttpListenerPlan[];
  /** extra_ca (and the local CA): chains may end at these; reloaded certificates are checked against them. */
  readonly extraCa: readonly string[];
  /** Opt-in: write TLS secrets in NSS key log format here (warned about at start). */
  readonly keylogFile?: string;
  /** The key log stops growing past this size (`keylog.max_bytes`; default 64 MiB). */
  readonly keylogMaxBytes?: number;
  /** Serving processes (`workers:`); 'auto' is resolved at start to one per core. */
  readonly workers: number | 'auto';
  /** `single_process: true`: the primary serves, no workers (process-check.ts says the trade). */
  readonly singleProcess?: boolean;
  /** How long old workers may finish their connections after a reload or SIGTERM. */
  readonly drainTimeoutMs: number;
  /** Where resumption state lives (`state:`): this process, or Redis shared by hosts. */
  readonly state: StateBackendSettings;
  /** `log:` — file, format, level, offered lists, request id header; absent: the defaults. */
  readonly log?: LogSettings;
  /** The admin listener (`admin:`): health, the runtime API; absent = off. */
  readonly admin?: AdminPlan;
  /** `pools:` and the pools of routes' inline `upstream:` (absent: none). */
  readonly pools?: readonly PoolPlan[];
  /** `user:`/`group:`: whom the primary and workers serve as once listening with their keys read. */
  readonly runAs?: RunAsPlan;
}
