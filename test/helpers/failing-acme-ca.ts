// A stand-in ACME directory that answers every request with a problem document: enough for tests
// that need a manager to try an order and fail, without a real CA.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FailingAcmeCa {
  /** The directory URL to configure. */
  readonly directory: string;
  close(): Promise<void>;
}

export async function startFailingAcmeCa(): Promise<FailingAcmeCa> {
  const server = http.createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: 'no', status: 400 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    directory: `http://127.0.0.1:${(server.address() as AddressInfo).port}/directory`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
