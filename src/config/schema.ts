// The config file's shape, as a valibot schema. It checks structure and scalar types only; meaning
// (names, files, certificates, policy) is checked afterwards in check.ts, where a Problem can say more
// than "invalid type". Objects are strict: an unknown key is an error that suggests the closest key.

import * as v from 'valibot';
import { parseDuration } from './duration.ts';
import { parseSize } from './size.ts';

const durationMessage = (issue: { input: unknown }): string => {
  const r = parseDuration(issue.input);
  return r.ok ? '' : r.error;
};

const Duration = v.pipe(
  v.union([v.number(), v.string()], 'a duration is a string such as "10s" or a number of milliseconds'),
  v.check((value) => parseDuration(value).ok, durationMessage),
);

// YAML reads `min_version: 1.3` as a number; accept it and let the policy parse it.
const Version = v.pipe(
  v.union([v.string(), v.number()], 'a TLS version: TLS1.2 or TLS1.3'),
  v.transform((x) => String(x)),
);

const NameList = (what: string) => v.array(v.string(`each ${what} is a string`), `${what}s are a list`);

export const TlsSchema = v.strictObject({
  profile: v.optional(v.string('profile is one of modern, intermediate, old')),
  min_version: v.optional(Version),
  max_version: v.optional(Version),
  ciphers: v.optional(NameList('cipher suite name')),
  groups: v.optional(NameList('group name')),
});

export const CertificateSchema = v.strictObject({
  cert: v.string('cert is the path of a PEM certificate chain'),
  key: v.string('key is the path of a PEM private key'),
});

export const UpstreamObjectSchema = v.strictObject({
  url: v.string('url is an http://, https://, h2c:// or tcp:// URL'),
  connect_timeout: v.optional(Duration),
  response_timeout: v.optional(Duration),
  // https:// upstreams (re-encryption)
  ca: v.optional(v.union([v.string(), NameList('CA file path')], 'ca is a CA file path or a list of them')),
  servername: v.optional(v.string('servername is the name sent as SNI and checked in the certificate')),
  client_cert: v.optional(CertificateSchema),
  insecure_skip_verify: v.optional(v.boolean('insecure_skip_verify is true or false')),
  // http(s):// upstreams
  via: v.optional(v.boolean('via is true or false')),
  // tcp:// upstreams (passthrough, TLS-to-TCP)
  proxy_protocol: v.optional(v.picklist(['v1', 'v2'], 'proxy_protocol is v1 or v2')),
  idle_timeout: v.optional(Duration),
  // HTTP/2 to the app: https:// with alpn [h2] (h2c:// is HTTP/2 without TLS); streams per connection.
  alpn: v.optional(NameList('ALPN protocol')),
  max_streams: v.optional(
    v.pipe(
      v.number('max_streams is a number of streams'),
      v.integer('max_streams is a whole number'),
      v.minValue(1, 'max_streams must be at least 1'),
      v.maxValue(10_000, 'max_streams must be at most 10000'),
    ),
  ),
});

export const UpstreamSchema = v.union(
  [v.string(), UpstreamObjectSchema],
  'upstream is a URL string, or a mapping with url and options',
);

export const AcmeSchema = v.strictObject({
  directory: v.string('directory is the ACME directory URL'),
  email: v.optional(v.string('email is the account contact address')),
  challenge: v.optional(
    v.picklist(['http-01', 'tls-alpn-01', 'dns-01'], 'challenge is http-01, tls-alpn-01 or dns-01'),
  ),
  ca: v.optional(v.string('ca is a PEM file to trust the ACME directory with')),
  dns_hook: v.optional(v.string('dns_hook is a command: called as `hook set|clear FQDN VALUE`')),
});

const ClientAuthMode = v.picklist(
  ['none', 'optional', 'required'],
  'client_auth mode is none, optional or required',
);

export const ClientAuthSchema = v.union(
  [
    ClientAuthMode,
    v.strictObject({
      mode: ClientAuthMode,
      ca: v.optional(
        v.union([v.string(), NameList('CA file path')], 'ca is a CA file path or a list of them'),
      ),
      forward_pem: v.optional(v.boolean('forward_pem is true or false')),
    }),
  ],
  'client_auth is none, optional, required, or a mapping with mode, ca, forward_pem',
);

// --- routes and pools (docs/l7.md)

const Percent = v.union([v.number(), v.string()], 'a share such as "20%" or 20');
const StatusCode = (key: string) =>
  v.pipe(v.number(`${key} is an HTTP status code`), v.integer(`${key} is a whole number`));

export const ServerSchema = v.union(
  [
    v.string(),
    v.strictObject({
      url: v.string('url is an http:// or https:// URL'),
      weight: v.optional(v.number('weight is a number')),
    }),
  ],
  'a server is a URL string or { url, weight }',
);

export const PoolSchema = v.strictObject({
  servers: v.array(ServerSchema, 'servers is a list of URLs or { url, weight }'),
  balance: v.optional(
    v.picklist(['round_robin', 'least_conn', 'hash'], 'balance is round_robin, least_conn or hash'),
  ),
  hash_key: v.optional(v.string('hash_key is client_ip, header:NAME or cookie:NAME')),
  health: v.optional(
    v.strictObject({
      path: v.optional(v.string('path is the health check path, e.g. /healthz')),
      interval: v.optional(Duration),
      timeout: v.optional(Duration),
      expect: v.optional(v.union([v.string(), v.number()], 'expect is a status or a range, e.g. 200-399')),
      rise: v.optional(v.number('rise is a number of checks')),
      fall: v.optional(v.number('fall is a number of checks')),
    }),
  ),
  passive: v.optional(
    v.strictObject({
      failures: v.optional(v.number('failures is a number (0: no passive ejection)')),
      window: v.optional(Duration),
      cooldown: v.optional(Duration),
    }),
  ),
  slow_start: v.optional(Duration),
  retries: v.optional(
    v.strictObject({
      attempts: v.optional(v.number('attempts is the number of retries')),
      budget: v.optional(Percent),
    }),
  ),
  timeouts: v.optional(
    v.strictObject({
      connect: v.optional(Duration),
      response_header: v.optional(Duration),
      idle: v.optional(Duration),
      total: v.optional(Duration),
    }),
  ),
  tls: v.optional(
    v.strictObject({
      ca: v.optional(
        v.union([v.string(), NameList('CA file path')], 'ca is a CA file path or a list of them'),
      ),
      servername: v.optional(v.string('servername is the name sent as SNI and checked in the certificate')),
      client_cert: v.optional(CertificateSchema),
      insecure_skip_verify: v.optional(v.boolean('insecure_skip_verify is true or false')),
      alpn: v.optional(NameList('ALPN protocol')),
    }),
  ),
  max_streams: v.optional(v.number('max_streams is a number of streams per connection')),
});

const StringMap = (what: string) =>
  v.record(v.string(), v.string(`each ${what} value is a string`), `${what} is a mapping of name: value`);

export const MatchSchema = v.strictObject({
  host: v.optional(v.union([v.string(), NameList('host')], 'host is a name or a list of names')),
  path: v.optional(v.string('path is an exact path, e.g. /ping')),
  path_prefix: v.optional(v.string('path_prefix is a path prefix, e.g. /api/')),
  path_regex: v.optional(v.string('path_regex is a regular expression')),
  method: v.optional(v.union([v.string(), NameList('method')], 'method is a name or a list of names')),
  header: v.optional(StringMap('header')),
  query: v.optional(StringMap('query')),
});

export const RouteSchema = v.strictObject({
  match: v.optional(MatchSchema),
  pool: v.optional(v.string('pool is the name of an entry of pools:')),
  upstream: v.optional(v.string('upstream is an http:// or https:// URL')),
  strip_prefix: v.optional(v.string('strip_prefix is a path prefix')),
  replace_prefix: v.optional(
    v.strictObject({ from: v.string('from is a path prefix'), to: v.string('to is a path prefix') }),
  ),
  host: v.optional(v.string('host is the Host sent to the app')),
  timeouts: v.optional(
    v.strictObject({
      connect: v.optional(Duration),
      response_header: v.optional(Duration),
      idle: v.optional(Duration),
      total: v.optional(Duration),
    }),
  ),
  redirect: v.optional(
    v.strictObject({
      status: v.optional(StatusCode('redirect.status')),
      location: v.string('location is the target URL (with {host} {path} {query} {uri})'),
    }),
  ),
  respond: v.optional(
    v.strictObject({
      status: v.optional(StatusCode('respond.status')),
      body: v.optional(v.string('body is a string')),
      content_type: v.optional(v.string('content_type is a media type')),
    }),
  ),
  handler: v.optional(v.string('handler is a name: inspect')),
});

const Size = v.pipe(
  v.union([v.number(), v.string()], 'a size is a number of bytes or a string such as "10m"'),
  v.check(
    (value) => parseSize(value).ok,
    (issue) => {
      const r = parseSize(issue.input);
      return r.ok ? '' : r.error;
    },
  ),
);

const Count = (key: string, min: number, max: number) =>
  v.pipe(
    v.number(`${key} is a number`),
    v.integer(`${key} is a whole number`),
    v.minValue(min, `${key} must be at least ${min}`),
    v.maxValue(max, `${key} must be at most ${max}`),
  );

// --- issue 16 part 3 (filters): rules, header edits, HSTS, a site's own limits (src/http/rules)

const OneOrMany = (what: string) =>
  v.union([v.string(), NameList(what)], `${what} is a string or a list of them`);

export const RuleMatchSchema = v.strictObject({
  method: v.optional(OneOrMany('method')),
  path: v.optional(v.string('path is an exact path such as /login')),
  path_prefix: v.optional(v.string('path_prefix is a path prefix such as /admin')),
  path_regex: v.optional(v.string('path_regex is a regular expression')),
  header: v.optional(StringMap('header')),
  query: v.optional(StringMap('query')),
  client: v.optional(OneOrMany('client CIDR')),
  sni: v.optional(OneOrMany('server name')),
  client_cert_subject: v.optional(v.string('client_cert_subject is a glob such as "CN=ops*"')),
});

export const RuleSchema = v.strictObject({
  match: RuleMatchSchema,
  action: v.picklist(['deny', 'allow', 'tag'], 'action is deny, allow or tag'),
  status: v.optional(v.pipe(v.number('status is a number'), v.integer('status is a whole number'))),
  body: v.optional(v.string('body is the text answered')),
  tag: v.optional(v.string('tag is a name for the log')),
});

export const HeaderEditSchema = v.strictObject({
  set: v.optional(StringMap('set')),
  add: v.optional(StringMap('add')),
  remove: v.optional(NameList('header name')),
});

export const HstsSchema = v.strictObject({
  max_age: v.union(
    [v.number(), v.string()],
    'max_age is a duration such as "1y", "180d", or a number of seconds',
  ),
  include_subdomains: v.optional(v.boolean('include_subdomains is true or false')),
  preload: v.optional(v.boolean('preload is true or false')),
});

export const SiteLimitsSchema = v.strictObject({
  max_body: v.optional(Size),
  max_header_bytes: v.optional(Size),
  max_header_fields: v.optional(Count('max_header_fields', 1, 1000)),
});

export const RateLimitSchema = v.strictObject({
  key: v.string('key is client_ip or header:NAME'),
  rate: v.string('rate is a number per second or minute, such as "100/s" or "600/m"'),
  burst: v.optional(Count('burst', 1, 1_000_000)),
  status: v.optional(Count('status', 400, 599)),
  max_keys: v.optional(Count('max_keys', 1, 10_000_000)),
});

export const CompressionSchema = v.strictObject({
  algorithms: v.optional(NameList('algorithm')),
  min_size: v.optional(Size),
  types: v.optional(NameList('media type')),
});

export const SiteSchema = v.strictObject({
  hosts: v.pipe(NameList('host'), v.minLength(1, 'hosts needs at least one name')),
  default: v.optional(v.boolean('default is true or false')),
  mode: v.optional(v.picklist(['terminate', 'passthrough'], 'mode is terminate or passthrough')),
  tls: v.optional(TlsSchema),
  certificates: v.optional(v.array(CertificateSchema, 'certificates is a list of {cert, key}')),
  upstream: v.optional(UpstreamSchema),
  handler: v.optional(v.string('handler is a name: inspect')),
  alpn: v.optional(NameList('ALPN protocol')),
  client_auth: v.optional(ClientAuthSchema),
  acme: v.optional(AcmeSchema),
  // HTTP/1.1 Upgrade protocols tunnelled to the upstream (default [websocket]).
  upgrade: v.optional(NameList('upgrade protocol')),
  // OCSP stapling (default: on when the certificate names a responder).
  ocsp: v.optional(
    v.union(
      [
        v.boolean(),
        v.strictObject({
          enabled: v.optional(v.boolean('ocsp.enabled is true or false')),
          responder: v.optional(v.string('ocsp.responder is an http:// or https:// URL')),
          nonce: v.optional(v.boolean('ocsp.nonce is true or false')),
        }),
      ],
      'ocsp is true, false, or { enabled, responder, nonce }',
    ),
  ),
  // First match wins; `upstream:` serves what no route matches.
  routes: v.optional(
    v.array(RouteSchema, 'routes is a list of { match, and pool | upstream | redirect | respond | handler }'),
  ),
  // Filters (src/http/rules): ordered rules, header edits, HSTS, limits narrower than the listener's.
  rules: v.optional(v.array(RuleSchema, 'rules is a list of { match, action, … }')),
  headers: v.optional(
    v.strictObject({ request: v.optional(HeaderEditSchema), response: v.optional(HeaderEditSchema) }),
  ),
  hsts: v.optional(HstsSchema),
  limits: v.optional(SiteLimitsSchema),
  rate_limit: v.optional(RateLimitSchema),
  compression: v.optional(CompressionSchema),
});

// nginx's ssl_session_cache / ssl_session_timeout / ssl_session_tickets, and the ticket-key rotation.
export const SessionSchema = v.strictObject({
  cache: v.optional(v.boolean('cache is true or false (the TLS 1.2 session-id cache)')),
  cache_size: v.optional(
    v.pipe(
      v.number('cache_size is a number of sessions'),
      v.integer('cache_size is a whole number of sessions'),
      v.minValue(1, 'cache_size must be at least 1'),
    ),
  ),
  timeout: v.optional(Duration),
  tickets: v.optional(v.boolean('tickets is true or false')),
  ticket_rotation: v.optional(Duration),
});

export const StateSchema = v.strictObject({
  backend: v.picklist(['memory', 'redis'], 'backend is memory or redis'),
  url: v.optional(v.string('url is redis://[user:password@]host:port[/db] or rediss://…')),
  ca: v.optional(v.string('ca is a PEM file to verify a rediss:// server with')),
  prefix: v.optional(v.string('prefix is the Redis key prefix, e.g. "tlsterm:"')),
  wait: v.optional(Duration),
  // Redis Sentinel (the master `name` the sentinels watch) or Redis Cluster seed nodes: host:port each.
  sentinels: v.optional(NameList('sentinel address')),
  name: v.optional(v.string('name is the master name the sentinels monitor, e.g. mymaster')),
  cluster: v.optional(NameList('cluster node address')),
});

// How long each state of a connection may last (see src/http/limits.ts, docs/configuration.md).
export const TimeoutsSchema = v.strictObject({
  handshake: v.optional(Duration),
  header: v.optional(Duration),
  body: v.optional(Duration),
  send: v.optional(Duration),
  keepalive: v.optional(Duration),
  tunnel_idle: v.optional(Duration),
  h2_idle: v.optional(Duration),
});

// How much a connection, a client or a listener may hold.
export const LimitsSchema = v.strictObject({
  max_body: v.optional(Size),
  max_header_bytes: v.optional(Size),
  max_header_fields: v.optional(Count('max_header_fields', 1, 1000)),
  h2_max_streams: v.optional(Count('h2_max_streams', 1, 1000)),
  max_connections: v.optional(Count('max_connections', 0, 10_000_000)),
  max_connections_per_client: v.optional(Count('max_connections_per_client', 0, 10_000_000)),
});

export const ListenerSchema = v.strictObject({
  name: v.optional(v.string('name is a string')),
  address: v.string('address is host:port, [::1]:port or :port'),
  tls: v.optional(TlsSchema),
  strict_sni: v.optional(v.boolean('strict_sni is true or false')),
  // Each worker binds the address itself (SO_REUSEPORT): config/reuse-port-check.ts.
  reuse_port: v.optional(v.boolean('reuse_port is true or false')),
  handshake_timeout: v.optional(Duration),
  timeouts: v.optional(TimeoutsSchema),
  limits: v.optional(LimitsSchema),
  session: v.optional(SessionSchema),
  max_client_hello_bytes: v.optional(
    v.pipe(
      v.number('max_client_hello_bytes is a number of bytes'),
      v.integer('max_client_hello_bytes is a whole number'),
      v.minValue(512, 'max_client_hello_bytes must be at least 512'),
      v.maxValue(1_048_576, 'max_client_hello_bytes must be at most 1048576 (1 MiB)'),
    ),
  ),
  // PROXY protocol in: tlsterm behind an L4 balancer (serve/proxy-in/).
  proxy_protocol: v.optional(
    v.strictObject({
      accept: v.optional(v.picklist(['v1', 'v2', 'both'], 'accept is v1, v2 or both')),
      from: v.optional(NameList('balancer address or CIDR')),
    }),
  ),
  // A plain-HTTP listener (port 80): ACME HTTP-01 answers and a redirect to HTTPS. No sites.
  http: v.optional(
    v.strictObject({
      redirect_https: v.optional(v.boolean('redirect_https is true or false')),
      https_port: v.optional(
        v.pipe(
          v.number('https_port is a port number'),
          v.integer('https_port is a whole number'),
          v.minValue(1),
          v.maxValue(65535),
        ),
      ),
    }),
  ),
  sites: v.optional(
    v.pipe(
      v.array(SiteSchema, 'sites is a list of sites'),
      v.minLength(1, 'a listener needs at least one site'),
    ),
  ),
});

export const ConfigSchema = v.strictObject({
  state_dir: v.optional(v.string('state_dir is a directory path')),
  keylog: v.optional(
    v.union(
      [
        v.string(),
        v.strictObject({
          file: v.string('keylog.file is a file path'),
          max_bytes: v.optional(
            v.pipe(
              v.number('keylog.max_bytes is a number of bytes'),
              v.integer('keylog.max_bytes is a whole number'),
              v.minValue(4096, 'keylog.max_bytes must be at least 4096'),
            ),
          ),
        }),
      ],
      'keylog is a file path, or { file, max_bytes }',
    ),
  ),
  log: v.optional(
    v.strictObject(
      {
        file: v.optional(v.string('log.file is a file path')),
        format: v.optional(v.picklist(['json', 'text'], 'log.format is json or text')),
        level: v.optional(
          v.picklist(['debug', 'info', 'warning', 'error'], 'log.level is debug, info, warning or error'),
        ),
        handshake: v.optional(
          v.strictObject({
            offered: v.optional(
              v.picklist(['failures', 'all', 'none'], 'log.handshake.offered is failures, all or none'),
            ),
          }),
        ),
        request_id_header: v.optional(
          v.union(
            [v.string(), v.literal(false)],
            'log.request_id_header is a header name, or false to send none',
          ),
        ),
      },
      'log is { file, format, level, handshake: { offered }, request_id_header }',
    ),
  ),
  extra_ca: v.optional(NameList('CA file path')),
  workers: v.optional(
    v.union(
      [
        v.literal('auto'),
        v.pipe(
          v.number(),
          v.integer('workers is a whole number'),
          v.minValue(1, 'workers must be at least 1'),
        ),
      ],
      'workers is a number of processes (at least 1) or auto (one per core)',
    ),
  ),
  single_process: v.optional(v.boolean('single_process is true or false')),
  drain_timeout: v.optional(Duration),
  state: v.optional(StateSchema),
  admin: v.optional(
    v.strictObject(
      {
        address: v.optional(v.string('admin.address is host:port, e.g. 127.0.0.1:9901')),
        token: v.optional(
          v.pipe(
            v.string('admin.token is a string'),
            v.minLength(16, 'admin.token must be at least 16 characters'),
          ),
        ),
        token_file: v.optional(v.string('admin.token_file is a file path')),
      },
      'admin is { address, token | token_file }',
    ),
  ),
  pools: v.optional(v.record(v.string(), PoolSchema, 'pools maps names to { servers, balance, … }')),
  listeners: v.pipe(
    v.array(ListenerSchema, 'listeners is a list'),
    v.minLength(1, 'the config needs at least one listener'),
  ),
  // Whom to serve as after binding (privileges-check.ts).
  user: v.optional(
    v.pipe(v.string('user is a user name or uid'), v.minLength(1, 'user is a user name or uid')),
  ),
  group: v.optional(
    v.pipe(v.string('group is a group name or gid'), v.minLength(1, 'group is a group name or gid')),
  ),
});

export type RawConfig = v.InferOutput<typeof ConfigSchema>;
export type RawListener = v.InferOutput<typeof ListenerSchema>;
export type RawSite = v.InferOutput<typeof SiteSchema>;
export type RawTls = v.InferOutput<typeof TlsSchema>;
export type RawUpstream = v.InferOutput<typeof UpstreamSchema>;
export type RawAcme = v.InferOutput<typeof AcmeSchema>;
export type RawSession = v.InferOutput<typeof SessionSchema>;
export type RawState = v.InferOutput<typeof StateSchema>;
export type RawTimeouts = v.InferOutput<typeof TimeoutsSchema>;
export type RawLimits = v.InferOutput<typeof LimitsSchema>;
export type RawClientAuth = v.InferOutput<typeof ClientAuthSchema>;
export type RawLog = RawConfig['log'];
export type RawAdmin = v.InferOutput<typeof ConfigSchema.entries.admin>;
export type RawPool = v.InferOutput<typeof PoolSchema>;
export type RawRoute = v.InferOutput<typeof RouteSchema>;
export type RawMatch = v.InferOutput<typeof MatchSchema>;

// --- schema introspection, for "did you mean" on unknown keys

interface SchemaNode {
  readonly type?: string;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly item?: unknown;
  readonly wrapped?: unknown;
  readonly options?: readonly unknown[];
}

function objectAt(schema: unknown, keys: readonly (string | number)[]): SchemaNode | undefined {
  let node = schema as SchemaNode | undefined;
  for (let i = 0; i <= keys.length && node; ) {
    if (node.type === 'optional' || node.type === 'nullish') {
      node = node.wrapped as SchemaNode;
      continue;
    }
    if (node.type === 'union') {
      node = node.options?.find((o) => (o as SchemaNode).entries !== undefined) as SchemaNode | undefined;
      continue;
    }
    if (i === keys.length) return node.entries ? node : undefined;
    const key = keys[i++];
    if (node.type === 'array' && typeof key === 'number') node = node.item as SchemaNode;
    else if (node.entries && typeof key === 'string') node = node.entries[key] as SchemaNode | undefined;
    else return undefined;
  }
  return undefined;
}

/** Keys allowed in the object at `keys` (e.g. ['listeners', 0, 'sites', 1]), in schema order. */
export function knownKeysAt(keys: readonly (string | number)[]): string[] {
  return Object.keys(objectAt(ConfigSchema, keys)?.entries ?? {});
}
