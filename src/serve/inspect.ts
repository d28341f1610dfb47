// The built-in `inspect` handler (like Caddy's `respond`): tells the client what it negotiated.
// HTML for browsers, JSON for `Accept: application/json`.

import type { ConnectionInfo, LocalHandler, LocalRequest, LocalResponse } from '../http/index.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function header(req: LocalRequest, name: string): string | undefined {
  return req.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

export const inspectHandler: LocalHandler = (req, conn) => {
  const body = { client: `${conn.clientAddress}:${conn.clientPort}`, http: req.httpVersion, ...conn.tls };
  if ((header(req, 'accept') ?? '').includes('application/json')) {
    return json(body);
  }
  return html(body);
};

function json(body: unknown): LocalResponse {
  return {
    status: 200,
    headers: [
      ['content-type', 'application/json'],
      ['cache-control', 'no-store'],
    ],
    body: `${JSON.stringify(body, null, 2)}\n`,
  };
}

function row(label: string, value: unknown): string {
  const text = Array.isArray(value)
    ? value.join(', ')
    : value === null || value === undefined
      ? '—'
      : String(value);
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(text)}</td></tr>`;
}

function html(facts: Record<string, unknown>): LocalResponse {
  const cipher = facts['cipher'] as { iana?: string; openssl?: string } | undefined;
  const offered = (facts['offered'] ?? {}) as Record<string, unknown>;
  const cert = facts['client_certificate'] as { subject?: string } | null | undefined;
  const rows = [
    row('TLS version', facts['version']),
    row('Cipher suite (IANA)', cipher?.iana),
    row('Cipher suite (OpenSSL)', cipher?.openssl),
    row('Key-exchange group', facts['group']),
    row('HelloRetryRequest', facts['hello_retry']),
    row('Signature algorithm', facts['signature_algorithm']),
    row('ALPN', facts['alpn']),
    row('SNI', facts['sni']),
    row('Resumed', facts['resumed']),
    row('JA4', facts['ja4']),
    row('Client certificate', cert?.subject ?? null),
    row('Offered versions', offered['versions']),
    row('Offered cipher suites', offered['ciphers']),
    row('Offered groups', offered['groups']),
    row('Key shares sent', offered['key_shares']),
    row('Offered ALPN', offered['alpn']),
    row('Client', facts['client']),
    row('HTTP', facts['http']),
  ].join('\n');
  const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>tlsterm inspect</title>
<style>body{font:15px system-ui;margin:2em auto;max-width:60em}th{text-align:left;padding-right:1em;vertical-align:top}td{font-family:ui-monospace,monospace}</style>
<h1>Your TLS connection</h1><p>What this connection negotiated with tlsterm. JSON: send <code>Accept: application/json</code>.</p>
<table>${rows}</table></html>\n`;
  return {
    status: 200,
    headers: [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'no-store'],
    ],
    body: page,
  };
}

export type { ConnectionInfo };
