// `upstream:` of a site: a URL string or a mapping with options. http:// (edge termination),
// https:// (re-encryption: verified TLS to the app) or tcp:// (TLS-to-TCP, and passthrough).
// Options that do not fit the scheme are errors, so a typo cannot silently drop verification.

import type { CheckContext } from './check-context.ts';
import { DEFAULTS } from './defaults.ts';
import { parseDuration } from './duration.ts';
import type { H2UpstreamSettings, Upstream, UpstreamTls } from './plan.ts';
import type { RawUpstream } from './schema.ts';

const TLS_KEYS = ['ca', 'servername', 'client_cert', 'insecure_skip_verify'] as const;

export async function checkUpstream(
  ctx: CheckContext,
  sp: string,
  up: RawUpstream,
  mode: 'terminate' | 'passthrough',
): Promise<Upstream | undefined> {
  const obj = typeof up === 'string' ? undefined : up;
  const urlText = obj ? obj.url : (up as string);
  const urlPath = obj ? `${sp}.upstream.url` : `${sp}.upstream`;
  const url = URL.parse(urlText);
  if (!url || url.hostname === '') {
    ctx.add(
      'error',
      urlPath,
      `upstream '${urlText}' is not a URL`,
      'write e.g. http://127.0.0.1:3000, https://app.internal:8443 or tcp://127.0.0.1:5432',
    );
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'tcp' && scheme !== 'h2c') {
    ctx.add(
      'error',
      urlPath,
      `unsupported upstream scheme ${scheme}://`,
      'use http:// (plain HTTP), https:// (TLS to the app), h2c:// (HTTP/2 without TLS) or tcp:// (raw bytes)',
    );
    return undefined;
  }
  if (mode === 'passthrough' && scheme !== 'tcp') {
    ctx.add(
      'error',
      urlPath,
      `a passthrough site forwards TLS bytes undecrypted, so its upstream is tcp://host:port, not ${scheme}://`,
      `write upstream: tcp://${url.host}`,
    );
    return undefined;
  }
  if (url.pathname !== '' && url.pathname !== '/' && scheme === 'tcp') {
    ctx.add(
      'error',
      urlPath,
      `a tcp:// upstream has no path (got ${url.pathname})`,
      `write tcp://${url.host}`,
    );
    return undefined;
  }
  let connectTimeoutMs: number = DEFAULTS.connectTimeoutMs;
  let responseTimeoutMs: number = DEFAULTS.responseTimeoutMs;
  let idleTimeoutMs: number = DEFAULTS.tcpIdleTimeoutMs;
  let ok = true;
  for (const key of ['connect_timeout', 'response_timeout', 'idle_timeout'] as const) {
    const raw = obj?.[key];
    if (raw === undefined) continue;
    const d = parseDuration(raw);
    if (!d.ok || d.value <= 0) {
      ctx.add('error', `${sp}.upstream.${key}`, `${key} must be longer than zero`, 'e.g. 5s');
      ok = false;
    } else if (key === 'connect_timeout') connectTimeoutMs = d.value;
    else if (key === 'idle_timeout') idleTimeoutMs = d.value;
    else responseTimeoutMs = d.value;
  }
  for (const key of TLS_KEYS) {
    if (obj?.[key] !== undefined && scheme !== 'https') {
      ctx.add(
        'error',
        `${sp}.upstream.${key}`,
        `${key} applies to https:// upstreams only; this one is ${scheme}://`,
        scheme === 'http'
          ? `use https://${url.host} to speak TLS to the app, or remove ${key}`
          : `remove ${key}`,
      );
      ok = false;
    }
  }
  if (obj?.proxy_protocol !== undefined && scheme !== 'tcp') {
    ctx.add(
      'error',
      `${sp}.upstream.proxy_protocol`,
      'proxy_protocol applies to tcp:// upstreams; HTTP upstreams get X-Forwarded-For and Forwarded instead',
      'remove proxy_protocol, or use a tcp:// upstream',
    );
    ok = false;
  }
  if (obj?.idle_timeout !== undefined && scheme !== 'tcp') {
    ctx.add(
      'error',
      `${sp}.upstream.idle_timeout`,
      'idle_timeout applies to tcp:// upstreams; HTTP upstreams use response_timeout',
      'remove idle_timeout, or use response_timeout',
    );
    return undefined;
  }
  if (obj?.via !== undefined && scheme === 'tcp') {
    ctx.add(
      'error',
      `${sp}.upstream.via`,
      'via applies to http:// and https:// upstreams: a tcp:// upstream gets bytes, not HTTP requests',
      'remove via',
    );
    ok = false;
  }
  if (obj?.response_timeout !== undefined && scheme === 'tcp') {
    ctx.add(
      'warning',
      `${sp}.upstream.response_timeout`,
      'response_timeout has no meaning for a tcp:// upstream (bytes flow both ways for as long as the connection lives)',
      'remove it',
    );
  }
  const h2 = checkH2Options(ctx, sp, scheme, obj);
  if (h2 === null) ok = false;
  if (!ok) return undefined;

  if (scheme === 'tcp') {
    if (url.port === '') {
      ctx.add('error', urlPath, 'a tcp:// upstream needs a port', `write tcp://${url.hostname}:PORT`);
      return undefined;
    }
    return {
      kind: 'tcp',
      url,
      host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: Number(url.port),
      connectTimeoutMs,
      idleTimeoutMs,
      ...(obj?.proxy_protocol !== undefined ? { proxyProtocol: obj.proxy_protocol } : {}),
    };
  }
  const via = obj?.via === false ? { via: false } : {};
  const h2Part = h2 !== undefined && h2 !== null ? { h2 } : {};
  if (scheme === 'http' || scheme === 'h2c')
    return { kind: 'http', url, connectTimeoutMs, responseTimeoutMs, ...via, ...h2Part };

  const tls = await upstreamTls(ctx, sp, url, obj);
  if (tls === undefined) return undefined;
  return { kind: 'http', url, connectTimeoutMs, responseTimeoutMs, tls, ...via, ...h2Part };
}

async function upstreamTls(
  ctx: CheckContext,
  sp: string,
  url: URL,
  obj: Exclude<RawUpstream, string> | undefined,
): Promise<UpstreamTls | undefined> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const verify = obj?.insecure_skip_verify !== true;
  if (!verify) {
    ctx.add(
      'warning',
      `${sp}.upstream.insecure_skip_verify`,
      `insecure_skip_verify is on: tlsterm accepts any certificate from ${url.host}, so anyone on the path to it can read and change the traffic`,
      'give the upstream CA instead (upstream.ca: internal-ca.pem) and remove insecure_skip_verify',
    );
  }
  let caPems: string[] | undefined;
  if (obj?.ca !== undefined) {
    caPems = await ctx.readCaFiles(obj.ca, `${sp}.upstream.ca`);
    if (caPems === undefined) return undefined;
  }
  let clientCertificate: UpstreamTls['clientCertificate'];
  if (obj?.client_cert !== undefined) {
    const pair = await ctx.loadPair(obj.client_cert.cert, obj.client_cert.key, `${sp}.upstream.client_cert`);
    if (pair === undefined) return undefined;
    clientCertificate = { certPem: pair.certPem, keyPem: pair.keyPem };
  }
  return {
    servername: obj?.servername ?? host,
    verify,
    ...(caPems !== undefined ? { caPems } : {}),
    ...(clientCertificate !== undefined ? { clientCertificate } : {}),
  };
}

/** Streams per HTTP/2 connection to the app unless max_streams says otherwise. */
export const DEFAULT_H2_MAX_STREAMS = 100;

/**
 * `alpn` and `max_streams`: HTTP/2 to the app is h2c://, or https:// with alpn [h2]. No fallback:
 * tlsterm speaks the one protocol the config names, so [h2, http/1.1] is refused.
 * undefined: HTTP/1.1; null: a problem was reported.
 */
function checkH2Options(
  ctx: CheckContext,
  sp: string,
  scheme: string,
  obj: Exclude<RawUpstream, string> | undefined,
): H2UpstreamSettings | undefined | null {
  const alpn = obj?.alpn;
  let h2 = scheme === 'h2c';
  if (alpn !== undefined) {
    if (scheme !== 'https') {
      ctx.add(
        'error',
        `${sp}.upstream.alpn`,
        `alpn applies to https:// upstreams only; this one is ${scheme}://`,
        scheme === 'http' ? 'for HTTP/2 without TLS write h2c://' : 'remove alpn',
      );
      return null;
    }
    if (alpn.length !== 1 || (alpn[0] !== 'h2' && alpn[0] !== 'http/1.1')) {
      ctx.add(
        'error',
        `${sp}.upstream.alpn`,
        `alpn is [h2] or [http/1.1], not [${alpn.join(', ')}]: tlsterm speaks one protocol per upstream (no fallback)`,
        'write alpn: [h2] for HTTP/2 to the app, or leave alpn out for HTTP/1.1',
      );
      return null;
    }
    h2 = alpn[0] === 'h2';
  }
  if (obj?.max_streams !== undefined && !h2) {
    ctx.add(
      'error',
      `${sp}.upstream.max_streams`,
      'max_streams applies to HTTP/2 upstreams (h2c://, or https:// with alpn: [h2])',
      'remove max_streams, or make the upstream HTTP/2',
    );
    return null;
  }
  return h2 ? { maxStreams: obj?.max_streams ?? DEFAULT_H2_MAX_STREAMS } : undefined;
}
