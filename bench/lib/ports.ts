// Servers under test need a concrete port in their config file, so one is borrowed from the kernel
// (listen on port 0, read it, close). Another process could take it in between; on a bench machine
// that is rare, and start-up would then fail loudly rather than measure the wrong thing.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}
