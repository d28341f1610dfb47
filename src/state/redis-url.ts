// redis:// and rediss:// URLs (the IANA schemes; rediss is Redis over TLS), parsed here rather
// than by the client library so that only what is documented takes effect (no query options that
// quietly change client behaviour) and so logs get the URL with its password masked.
//
//   redis://[[user]:password@]host[:port][/db]      rediss://… (TLS)

import { fail, ok, type ParseResult } from '../wire/index.ts';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** ACL user (Redis 6+); undefined = the default user. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  /** The URL with the password replaced by ***, for logs and messages. */
  readonly redacted: string;
}

export function parseRedisUrl(text: string): ParseResult<RedisEndpoint> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('not a URL (expected redis://host:6379 or rediss://host:6380)');
  }
  const redacted = redact(url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return fail(`scheme ${url.protocol.slice(0, -1)} in ${redacted} (expected redis:// or rediss://)`);
  if (url.hostname === '') return fail(`no host in ${redacted}`);
  if (url.search !== '' || url.hash !== '') return fail(`query or fragment in ${redacted} (not supported)`);
  const dbText = url.pathname.replace(/^\//, '');
  if (!/^\d{0,2}$/.test(dbText)) return fail(`database "${dbText}" in ${redacted} is not a number`);
  const decode = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s));
  return ok({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
    tls: url.protocol === 'rediss:',
    username: decode(url.username),
    password: decode(url.password),
    db: dbText === '' ? 0 : Number(dbText),
    redacted,
  });
}

function redact(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}
