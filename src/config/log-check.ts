// `log:` — where the lines go (stdout or a file), their format and level, how much of a client's
// offer a handshake line carries, and the header that takes the request id to the upstream.

import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOG_SETTINGS, type LogSettings } from '../observe/log-settings.ts';
import type { CheckContext } from './check-context.ts';
import type { RawLog } from './schema.ts';

/** RFC 9110 token characters: what a field name may hold. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers the proxy sets or strips itself: carrying the id in one of them would break forwarding. */
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'via',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-client-cert',
  'x-client-verify',
]);

export function checkLog(ctx: CheckContext, raw: RawLog): LogSettings {
  const d = DEFAULT_LOG_SETTINGS;
  if (raw === undefined) return d;
  let requestIdHeader = d.requestIdHeader;
  const header = raw.request_id_header;
  if (typeof header === 'string') {
    const name = header.trim().toLowerCase();
    if (!FIELD_NAME.test(name))
      ctx.add(
        'error',
        'log.request_id_header',
        `'${header}' is not a header name`,
        'use a token such as X-Request-Id, or false to send no request id upstream',
      );
    else if (RESERVED.has(name))
      ctx.add(
        'error',
        'log.request_id_header',
        `${name} is a header tlsterm sets or removes itself`,
        'pick another name, e.g. X-Request-Id',
      );
    requestIdHeader = name;
  } else if (header === false) requestIdHeader = false;
  let file: string | undefined;
  if (raw.file !== undefined) {
    file = ctx.resolveFile(raw.file);
    const dir = path.dirname(file);
    if (!fs.existsSync(dir))
      ctx.add(
        'error',
        'log.file',
        `the directory ${dir} does not exist`,
        'create it (owned by the user tlsterm runs as), or point log.file elsewhere',
      );
  }
  return {
    ...(file !== undefined ? { file } : {}),
    format: raw.format ?? d.format,
    level: raw.level ?? d.level,
    offered: raw.handshake?.offered ?? d.offered,
    requestIdHeader,
  };
}
