// Responses produced by a local handler (`inspect`, `respond`): the handler returns a plain value,
// this module validates it and frames it for HTTP/1.x or h2. A handler bug becomes a 500, never a
// thrown exception on the data path, and never a header-injection (CR/LF in a value).

import { Buffer } from 'node:buffer';
import { isFieldValueString, isTokenString } from './chars.ts';
import { addH2Field } from './h2-fields.ts';
import { Conn, type ConnHeader } from './head-builder.ts';
import { classifyString, H, isHopByHop } from './header-names.ts';
import { statusText } from './status-text.ts';
import type { ConnectionInfo, HttpLogger, LocalHandler, LocalRequest, LocalResponse } from './types.ts';

/** The fields a handler may not set: framing and hop-by-hop are the proxy's business. */
const reserved = (lower: string): boolean => {
  const id = classifyString(lower);
  return id === H.contentLength || id === H.transferEncoding || isHopByHop(id);
};

const INTERNAL: LocalResponse = Object.freeze({ status: 500, headers: [], body: 'internal error\n' });

/** Run a handler; a throw or an invalid response becomes a logged 500. */
export const runHandler = (
  handler: LocalHandler,
  req: LocalRequest,
  conn: ConnectionInfo,
  log: HttpLogger,
): LocalResponse => {
  let res: LocalResponse;
  try {
    res = handler(req, conn);
  } catch (err) {
    log({
      event: 'handler_error',
      error: err instanceof Error ? err.message : String(err),
      path: req.target,
    });
    return INTERNAL;
  }
  const problem = validate(res);
  if (problem !== null) {
    log({ event: 'handler_error', error: problem, path: req.target });
    return INTERNAL;
  }
  return res;
};

const validate = (res: LocalResponse): string | null => {
  if (!Number.isInteger(res.status) || res.status < 200 || res.status > 599)
    return `invalid status ${res.status}`;
  for (const [name, value] of res.headers) {
    if (!isTokenString(name)) return `invalid header name ${JSON.stringify(name)}`;
    if (!isFieldValueString(value)) return `invalid value for header ${name}`;
  }
  return null;
};

const hasBody = (status: number): boolean => status !== 204 && status !== 304;

const bodyBytes = (body: Uint8Array | string): Buffer =>
  typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

/** HTTP/1.x: head and body as one Buffer (body omitted for HEAD, 204 and 304). */
export const localResponseH1 = (res: LocalResponse, isHead: boolean, connection: ConnHeader): Buffer => {
  const body = hasBody(res.status) ? bodyBytes(res.body) : null;
  let head = `HTTP/1.1 ${res.status} ${statusText(res.status)}\r\n`;
  for (const [name, value] of res.headers) {
    if (!reserved(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  if (body !== null) head += `content-length: ${body.length}\r\n`;
  if (connection === Conn.close) head += 'connection: close\r\n';
  else if (connection === Conn.keepAlive) head += 'connection: keep-alive\r\n';
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return body === null || isHead || body.length === 0 ? h : Buffer.concat([h, body]);
};

/** h2: the header block and the body (null for HEAD / no-body statuses). */
export const localResponseH2 = (
  res: LocalResponse,
  isHead: boolean,
): { headers: Record<string, string | string[] | number>; body: Buffer | null } => {
  const headers: Record<string, string | string[] | number> = { ':status': res.status };
  for (const [name, value] of res.headers) {
    const lower = name.toLowerCase();
    if (reserved(lower)) continue;
    addH2Field(headers, lower, value);
  }
  const body = hasBody(res.status) ? bodyBytes(res.body) : null;
  if (body !== null) headers['content-length'] = body.length;
  return { headers, body: isHead || body === null || body.length === 0 ? null : body };
};
