// HOST[:PORT] as a user types it: `example.com`, `example.com:8443`, `127.0.0.1:443`, `[::1]:443`,
// `::1` (a bare IPv6 literal has no port). Pure; the caller resolves the host.
import net from 'node:net';

export interface Target {
  /** Host name or IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
  /** `host:port`, IPv6 in brackets: how the report names the target. */
  readonly label: string;
  /** The host is an IP literal (then no SNI is sent unless asked for). */
  readonly isIp: boolean;
}

export type TargetResult = { ok: true; value: Target } | { ok: false; error: string };

export const DEFAULT_PORT = 443;

export function parseTarget(text: string): TargetResult {
  const raw = text
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '');
  if (raw === '') return { ok: false, error: 'empty target' };
  let host: string;
  let portText: string | undefined;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) return { ok: false, error: `unclosed "[" in ${text}` };
    host = raw.slice(1, close);
    const tail = raw.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) return { ok: false, error: `unexpected "${tail}" after ]` };
    portText = tail === '' ? undefined : tail.slice(1);
  } else if (net.isIPv6(raw)) {
    host = raw;
  } else {
    const colon = raw.lastIndexOf(':');
    host = colon < 0 ? raw : raw.slice(0, colon);
    portText = colon < 0 ? undefined : raw.slice(colon + 1);
  }
  if (host === '') return { ok: false, error: `no host in ${text}` };
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return { ok: false, error: `port "${portText}" is not a number` };
    port = Number(portText);
    if (port < 1 || port > 65535) return { ok: false, error: `port ${port} is out of range (1-65535)` };
  }
  const isIp = net.isIP(host) !== 0;
  if (!isIp && !/^[A-Za-z0-9._-]+$/.test(host)) return { ok: false, error: `"${host}" is not a host name` };
  if (!isIp) host = host.toLowerCase();
  const label = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  return { ok: true, value: { host, port, label, isIp } };
}
