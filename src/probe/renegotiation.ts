// Client-initiated renegotiation (TLS 1.2): Node's client asks for a new handshake on an
// established connection. Accepting it is harmless with RFC 5746 (secure renegotiation) but lets a
// client make the server do handshake work at will; without RFC 5746 it is the 2009
// renegotiation attack.
import type { ProbeContext } from './context.ts';
import { connectTls } from './node-client.ts';

export async function probeClientRenegotiation(ctx: ProbeContext): Promise<boolean | null> {
  return ctx.pool.run(async () => {
    const r = await connectTls(ctx.endpoint, {
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ...(ctx.sni !== undefined ? { servername: ctx.sni } : {}),
    });
    if (!r.ok) return null;
    const socket = r.socket;
    return new Promise<boolean | null>((resolve) => {
      let settled = false;
      const done = (v: boolean | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      };
      const timer = setTimeout(() => done(false), ctx.endpoint.timeoutMs);
      socket.on('data', () => {});
      socket.once('error', () => done(false));
      socket.once('close', () => done(false));
      const started = socket.renegotiate({ rejectUnauthorized: false }, (error) => done(!error));
      if (!started) done(null);
    });
  });
}
