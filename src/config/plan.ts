// The immutable runtime plan: what a validated config becomes. `serve` runs a Plan, `check` prints
// the Problems found while building one. Nothing here touches a socket.

import type { HttpLimits, HttpTimeouts } from '../http/limits.ts';
import type { ResumptionSettings, StateBackendSettings } from '../state/settings.ts';

export type TlsVersionName = 'TLS1.2' | 'TLS1.3';

/** A negotiation policy, already resolved to what node:tls wants. */
export interface TlsPolicy {
  readonly profile: 'modern' | 'intermediate' | 'old' | 'custom';
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  /** TLS 1.2 suites, OpenSSL names in server preference order (empty when TLS 1.2 is off). */
  readonly ciphers12: readonly string[];
  /** TLS 1.3 suites, IANA names (OpenSSL uses IANA names for 1.3) in preference order. */
  readonly ciphers13: readonly string[];
  /** Key-exchange groups, OpenSSL names (X25519MLKEM768, X25519, P-256, P-384, …) in preference order. */
  readonly groups: readonly string[];
}

/** One certificate + key pair as loaded from disk (or generated). PEM text, never logged. */
export interface CertificatePair {
  readonly certPath: string;
  readonly keyPath: string;
  /** Full chain, leaf first. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly keyType: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'other';
  /** Leaf facts, for logs and `inspect`. */
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  readonly sans: readonly string[];
}

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

/** A site whose certificate tlsterm obtains and renews over ACME. */
export interface AcmeSettings {
  readonly directory: string;
  readonly email?: string;
  readonly challenge: 'http-01' | 'tls-alpn-01' | 'dns-01';
  /** PEM to trust the directory with (a private ACME CA such as Pebble or step-ca). */
  readonly caPem?: string;
  /** Absolute path of the DNS-01 hook command. */
  readonly dnsHook?: string;
  /** certbot layout: <stateDir>/live/<lineage>/{fullchain,privkey}.pem */
  readonly lineage: string;
}

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
  readonly acme?: AcmeSettings;
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
}

/** A plain-HTTP listener: answers ACME HTTP-01 and redirects everything else to HTTPS. */
export interface HttpListenerPlan {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly redirectHttps: boolean;
  /** Port in the redirect (443: none written). */
  readonly httpsPort: number;
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
  /** How long old workers may finish their connections after a reload or SIGTERM. */
  readonly drainTimeoutMs: number;
  /** Where resumption state lives (`state:`): this process, or Redis shared by hosts. */
  readonly state: StateBackendSettings;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** Where in the file: a dotted path such as `listeners[0].sites[1].certificates[0].cert`. */
  readonly path: string;
  /** 1-based line in the config file, when known. */
  readonly line?: number;
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}
