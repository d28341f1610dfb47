// HOST[:PORT] as a user types it: `example.com`, `example.com:8443`, `127.0.0.1:443`, `[::1]:443`,
// `::1` (a bare IPv6 literal has no port). Pure; the caller resolves the host.
import net from 'node:net';
import { fail, ok, type ParseResult } from '../wire/parse-result.ts';

export interface Target {
  /** Host name or IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
  /** `host:port`, IPv6 in brackets: how the report names the target. */
  readonly label: string;
  /** The host is an IP literal (then no SNI is sent unless asked for). */
  readonly isIp: boolean;
}

export const DEFAULT_PORT = 443;

export function parseTarget(text: string): ParseResult<Target> {
  const raw = text
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '');
  if (raw === '') return fail('empty target');
  let host: string;
  let portText: string | undefined;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) return fail(`unclosed "[" in ${text}`);
    host = raw.slice(1, close);
    const tail = raw.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) return fail(`unexpected "${tail}" after ]`);
    portText = tail === '' ? undefined : tail.slice(1);
  } else if (net.isIPv6(raw)) {
    host = raw;
  } else {
    const colon = raw.lastIndexOf(':');
    host = colon < 0 ? raw : raw.slice(0, colon);
    portText = colon < 0 ? undefined : raw.slice(colon + 1);
  }
  if (host === '') return fail(`no host in ${text}`);
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return fail(`port "${portText}" is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) return fail(`port ${port} is out of range (1-65535)`);
  }
  const isIp = net.isIP(host) !== 0;
  if (!isIp && !/^[A-Za-z0-9._-]+$/.test(host)) return fail(`"${host}" is not a host name`);
  if (!isIp) host = host.toLowerCase();
  const label = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  return ok({ host, port, label, isIp });
}
