// The admin listener from a test: a serve config with `admin:` on an ephemeral loopback port (the
// port is read from the `admin_listening` line), and requests to it with or without the token.
import tls from 'node:tls';
import type { ServeProcess } from './serve-harness.ts';

/** The admin listener's port, from the log. */
export async function adminPort(serve: ServeProcess): Promise<number> {
  const e = await serve.waitFor((x) => x['event'] === 'admin_listening', 20_000);
  return Number(e['port']);
}

export interface AdminAnswer {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: Record<string, unknown> | undefined;
  readonly headers: Headers;
}

export async function adminFetch(
  port: number,
  pathname: string,
  options: { method?: string; token?: string; body?: unknown; host?: string } = {},
): Promise<AdminAnswer> {
  const host = options.host ?? '127.0.0.1';
  const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}${pathname}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    // Long: a POST /reload answers once new workers listen, slow on a loaded machine.
    signal: AbortSignal.timeout(150_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** `n` TLS connections to example.test on `port` (ALPN http/1.1), held open until destroyed. */
export function holdTlsConnections(port: number, ca: string, n: number): Promise<tls.TLSSocket[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<tls.TLSSocket>((resolve, reject) => {
          const s = tls.connect(
            { host: '127.0.0.1', port, servername: 'example.test', ca, ALPNProtocols: ['http/1.1'] },
            () => resolve(s),
          );
          s.on('error', reject);
        }),
    ),
  );
}
