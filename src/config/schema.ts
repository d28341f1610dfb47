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
  url: v.string('url is an http://, https:// or tcp:// URL'),
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
const StringMap = (what: string) =>
  v.record(v.string(), v.string(`each ${what} value is a string`), `${what} is a mapping of name: value`);

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
  drain_timeout: v.optional(Duration),
  state: v.optional(StateSchema),
  listeners: v.pipe(
    v.array(ListenerSchema, 'listeners is a list'),
    v.minLength(1, 'the config needs at least one listener'),
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
