// What the reload tests share: one backend per config generation (its answer names the generation;
// /slow answers after 1.5 s, so a request is in flight when a reload comes), an HTTPS GET through
// tlsterm, and a steady load of such GETs, bounded in count and time, that records every failure.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

export interface GreetingBackends {
  /** The port of the backend that answers "hello from NAME". */
  port(name: string): number;
  close(): Promise<void>;
}

export async function startGreetingBackends(names: readonly string[]): Promise<GreetingBackends> {
  const servers = new Map<string, http.Server>();
  for (const name of names) {
    const server = http.createServer((req, res) => {
      const delay = req.url?.includes('slow') ? 1500 : 0;
      setTimeout(() => res.end(`hello from ${name}${req.url}\n`), delay);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.set(name, server);
  }
  return {
    port: (name) => (servers.get(name)?.address() as net.AddressInfo | undefined)?.port ?? 0,
    async close() {
      for (const server of servers.values()) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}

/** GET https://example.test:PORT/PATH through `agent`, trusting `ca`. */
export function httpsGet(
  agent: https.Agent,
  port: number,
  ca: string,
  pathname = '/',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, servername: 'example.test', ca, agent, path: pathname },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}

export interface SteadyLoad {
  /** Requests sent so far. */
  sent(): number;
  /** Waits until `n` more requests were sent (or a bound was reached). */
  more(n: number): Promise<void>;
  /** Ends the loops; what failed and what each body counted. */
  stop(): Promise<{ failures: string[]; bodies: Map<string, number>; sent: number }>;
}

/** One loop of sequential GETs per path (through one keep-alive agent of 5 sockets). */
export function startSteadyLoad(port: number, ca: string, paths: readonly string[]): SteadyLoad {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 5 });
  const failures: string[] = [];
  const bodies = new Map<string, number>();
  let done = false;
  let sent = 0;
  // Bounded in count and time; a test normally stops it well before either.
  const MAX_REQUESTS = 20_000;
  const deadline = Date.now() + 30_000;
  const going = () => !done && sent < MAX_REQUESTS && Date.now() < deadline;
  const loop = async (pathname: string) => {
    while (going()) {
      sent++;
      try {
        const { status, body } = await httpsGet(agent, port, ca, pathname);
        if (status !== 200) failures.push(`status ${status}: ${body}`);
        bodies.set(body, (bodies.get(body) ?? 0) + 1);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const loops = Promise.all(paths.map(loop));
  return {
    sent: () => sent,
    async more(n) {
      const from = sent;
      while (sent < from + n && going()) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      done = true;
      await loops;
      agent.destroy();
      return { failures, bodies, sent };
    },
  };
}
