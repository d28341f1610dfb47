// HSTS (RFC 6797): one `GET /` over a real TLS connection (HTTP/1.1), and the
// Strict-Transport-Security header of the answer. The parsers are pure; a server that does not
// speak HTTP simply yields "no HTTP answer".
import type { ProbeContext } from './context.ts';
import { notTested, observed } from './finding.ts';
import { connectTls } from './node-client.ts';
import type { HstsFinding } from './report.ts';

const MAX_HEAD = 64 * 1024;

export interface HttpHead {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
}

/** The status line and header fields of an HTTP/1.x response head (up to the blank line). */
export function parseHttpHead(text: string): HttpHead | undefined {
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const [statusLine = '', ...lines] = head.split('\r\n');
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { status: Number(m[1]), headers };
}

/** RFC 6797 §6.1 directives; max-age must be present and numeric for the policy to count. */
export function parseHsts(value: string): {
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
} {
  let maxAge: number | null = null;
  let includeSubDomains = false;
  let preload = false;
  for (const part of value.split(';')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const arg = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'max-age' && /^\d+$/.test(arg)) maxAge = Number(arg);
    else if (name === 'includesubdomains') includeSubDomains = true;
    else if (name === 'preload') preload = true;
  }
  return { maxAge, includeSubDomains, preload };
}

/** The finding from an HTTP answer; a server that answered no HTTP was not tested. */
export function hstsFinding(head: HttpHead | undefined, why?: string): HstsFinding {
  if (!head) return notTested(why ?? 'no HTTP answer to GET /');
  // RFC 6797 §8.1: only the first header field counts.
  const header = head.headers.find(([n]) => n === 'strict-transport-security')?.[1] ?? null;
  const parsed = header === null ? null : parseHsts(header);
  return observed(parsed?.maxAge !== null && parsed?.maxAge !== undefined, {
    status: head.status,
    max_age: parsed?.maxAge ?? null,
    include_subdomains: parsed?.includeSubDomains ?? false,
    preload: parsed?.preload ?? false,
    header,
    detail:
      header === null
        ? 'no Strict-Transport-Security header'
        : parsed?.maxAge === null
          ? 'header without a valid max-age'
          : null,
  });
}

export async function probeHsts(ctx: ProbeContext, host: string): Promise<HstsFinding> {
  const r = await ctx.pool.run(() =>
    connectTls(ctx.endpoint, {
      ALPNProtocols: ['http/1.1'],
      ...(ctx.sni !== undefined ? { servername: ctx.sni } : {}),
    }),
  );
  if (!r.ok) return hstsFinding(undefined, `Node's TLS client could not complete a handshake: ${r.error}`);
  const socket = r.socket;
  const text = await new Promise<string>((resolve) => {
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ctx.endpoint.timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      got += chunk;
      if (got.includes('\r\n\r\n') || got.length > MAX_HEAD) done();
    });
    socket.once('end', done);
    socket.once('error', done);
    socket.write(
      `GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: tlsterm-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
    );
  });
  return hstsFinding(parseHttpHead(text));
}
