// Listener addresses: "host:port", "[v6]:port", ":port" (all addresses).

import net from 'node:net';
import type { ParseResult } from '../wire/index.ts';

export interface ListenAddress {
  /** '::' for ":port" (all addresses; Node also accepts IPv4 there on dual-stack hosts). */
  readonly host: string;
  readonly port: number;
}

export type AddressResult = ParseResult<ListenAddress>;

export const ALL_ADDRESSES = '::';

export function parseListenAddress(input: string): AddressResult {
  const text = input.trim();
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') {
      return { ok: false, error: `'${input}' is not an address: IPv6 is written [::1]:8443` };
    }
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (net.isIPv6(host) === false) return { ok: false, error: `'${host}' is not an IPv6 address` };
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0)
      return { ok: false, error: `'${input}' has no port: write host:port, e.g. 127.0.0.1:8443 or :8443` };
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) {
      return { ok: false, error: `'${input}' is ambiguous: put IPv6 addresses in brackets, e.g. [::1]:8443` };
    }
    if (host === '' || host === '*') host = ALL_ADDRESSES;
    else if (
      !net.isIPv4(host) &&
      !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host)
    ) {
      return { ok: false, error: `'${host}' is neither an IP address nor a host name` };
    }
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return { ok: false, error: `'${portText}' is not a port number (0–65535)` };
  }
  return { ok: true, value: { host, port: Number(portText) } };
}

/** Two listeners collide when ports match and the hosts are equal or one binds all addresses. */
export function addressesClash(a: ListenAddress, b: ListenAddress): boolean {
  if (a.port !== b.port || a.port === 0) return false;
  const wildcard = (h: string): boolean => h === '::' || h === '0.0.0.0';
  return a.host.toLowerCase() === b.host.toLowerCase() || wildcard(a.host) || wildcard(b.host);
}
