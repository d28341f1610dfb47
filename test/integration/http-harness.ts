// Shared scaffolding for the HTTP integration tests: a throwaway certificate, a TLS front that hands
// connections to serveHttp1/serveHttp2 the way the terminator does, backends, and client helpers.

import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  type ConnectionInfo,
  createUpstreamPool,
  type HttpOptions,
  type HttpSiteRuntime,
  type LocalHandler,
  serveHttp1,
  serveHttp2,
  type UpstreamPool,
  type UpstreamTlsOptions,
} from '../../src/http/index.ts';

export interface TestCert {
  readonly key: string;
  readonly cert: string;
}

/** A fresh self-signed P-256 certificate for localhost / 127.0.0.1 (openssl req -x509). */
export const makeCert = (): TestCert => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsterm-http-cert-'));
  try {
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    const args = [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
      ...['-keyout', keyPath, '-out', certPath, '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ];
    const r = spawnSync('openssl', args, { stdio: 'ignore', timeout: 20_000 }).status;
    if (r !== 0) throw new Error('openssl req failed');
    return { key: fs.readFileSync(keyPath, 'utf8'), cert: fs.readFileSync(certPath, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

export interface Front {
  readonly port: number;
  readonly logs: Record<string, unknown>[];
  readonly pool: UpstreamPool | undefined;
  close(): Promise<void>;
}

const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

const closeServer = (server: net.Server, sockets: Set<net.Socket>): Promise<void> =>
  new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });

export interface FrontOptions {
  readonly upstream?: string;
  readonly handler?: LocalHandler;
  readonly connectTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly http?: Partial<HttpOptions>;
  /** Serve over plain TCP (no TLS), HTTP/1.1 only. */
  readonly plain?: boolean;
  /** HTTP/2 to the upstream (an h2c:// URL), with this many streams per connection. */
  readonly upstreamH2?: { readonly maxStreams: number };
  /** TLS toward an https:// upstream. */
  readonly upstreamTls?: UpstreamTlsOptions;
}

/** The terminator in miniature: TLS (ALPN h2, http/1.1) then the HTTP layer. */
export const startFront = async (cert: TestCert | null, o: FrontOptions): Promise<Front> => {
  const logs: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>) => {
    logs.push(e);
  };
  let site: HttpSiteRuntime;
  let pool: UpstreamPool | undefined;
  if (o.upstream !== undefined) {
    const upstream = {
      url: new URL(o.upstream),
      connectTimeoutMs: o.connectTimeoutMs ?? 2000,
      responseTimeoutMs: o.responseTimeoutMs ?? 10_000,
      ...(o.upstreamH2 !== undefined ? { h2: o.upstreamH2 } : {}),
      ...(o.upstreamTls !== undefined ? { tls: o.upstreamTls } : {}),
    };
    pool = createUpstreamPool(upstream);
    site = { upstream, pool };
  } else {
    site = { handler: o.handler! };
  }
  const sockets = new Set<net.Socket>();
  const info = (s: net.Socket, alpn: string | false, sni: string | undefined): ConnectionInfo => ({
    clientAddress: s.remoteAddress ?? '',
    clientPort: s.remotePort ?? 0,
    localAddress: s.localAddress ?? '',
    localPort: s.localPort ?? 0,
    serverName: sni,
    alpn,
    tls: { protocol: s instanceof tls.TLSSocket ? s.getProtocol() : null },
  });
  let server: net.Server;
  if (o.plain === true || cert === null) {
    // noDelay at accept, as tlsterm's listeners have it (serveHttp1 does not set it again).
    server = net.createServer({ noDelay: true }, (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      serveHttp1(s, site, info(s, false, undefined), log, o.http);
    });
  } else {
    server = tls.createServer({
      key: cert.key,
      cert: cert.cert,
      ALPNProtocols: ['h2', 'http/1.1'],
      noDelay: true,
    });
    server.on('secureConnection', (s: tls.TLSSocket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      const sni = (s as tls.TLSSocket & { servername?: string | false }).servername || undefined;
      if (s.alpnProtocol === 'h2') serveHttp2(s, site, info(s, 'h2', sni), log, o.http);
      else serveHttp1(s, site, info(s, s.alpnProtocol ?? false, sni), log, o.http);
    });
    server.on('tlsClientError', () => {});
  }
  const port = await listen(server);
  return {
    port,
    logs,
    pool,
    close: async () => {
      await closeServer(server, sockets);
      pool?.close();
    },
  };
};

export interface Backend {
  readonly port: number;
  readonly url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests seen so far. */
  readonly requests: http.IncomingMessage[];
  readonly server: http.Server;
  close(): Promise<void>;
}

export const startBackend = async (handler: http.RequestListener): Promise<Backend> => {
  const server = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  const b: Backend = {
    port: 0,
    url: '',
    connections: 0,
    requests: [],
    server,
    close: () => closeServer(server, sockets),
  };
  server.on('connection', (s) => {
    b.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req) => b.requests.push(req));
  const port = await listen(server);
  Object.assign(b, { port, url: `http://127.0.0.1:${port}` });
  return b;
};

/** A raw TCP server; `onSocket` decides what to do with each connection. */
export const startRawServer = async (
  onSocket: (s: net.Socket) => void,
): Promise<{ port: number; close(): Promise<void> }> => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  const port = await listen(server);
  return { port, close: () => closeServer(server, sockets) };
};

export interface CurlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run curl (bounded in time); never rejects. */
export const curl = (args: string[], timeoutMs = 30_000): Promise<CurlResult> =>
  new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '-k', '--max-time', String(Math.ceil(timeoutMs / 1000)), ...args],
      {
        timeout: timeoutMs + 2000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code =
          err === null
            ? 0
            : typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : null;
        resolve({ code, stdout, stderr });
      },
    );
  });

/** Run a shell pipeline (bounded in time); never rejects. */
export const sh = (script: string, timeoutMs = 60_000): Promise<CurlResult> =>
  new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/**
 * Send raw bytes (over TLS unless `plain`) and collect everything until the server closes or
 * `idleMs` passes without data.
 */
export const rawExchange = (
  port: number,
  bytes: Buffer | string,
  opts: { plain?: boolean; idleMs?: number; alpn?: string[] } = {},
): Promise<{ response: string; closed: boolean }> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const s: net.Socket =
      opts.plain === true
        ? net.connect(port, '127.0.0.1')
        : tls.connect({
            port,
            host: '127.0.0.1',
            rejectUnauthorized: false,
            ALPNProtocols: opts.alpn ?? ['http/1.1'],
          });
    const idle = opts.idleMs ?? 1500;
    let timer = setTimeout(() => finish(), idle);
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closed });
    };
    s.on(opts.plain === true ? 'connect' : 'secureConnect', () => s.write(bytes));
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(() => finish(), idle);
    });
    s.on('error', () => {});
    s.on('end', () => {
      closed = true;
    });
    s.on('close', () => {
      closed = true;
      finish();
    });
  });

export const hasCommand = (name: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/** Wait until `cond` holds, polling (bounded: at most `timeoutMs`). */
export const waitFor = async (cond: () => boolean, timeoutMs = 5000, stepMs = 20): Promise<boolean> => {
  for (let waited = 0; waited < timeoutMs; waited += stepMs) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
};
