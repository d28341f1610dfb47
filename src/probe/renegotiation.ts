// Client-initiated renegotiation (TLS ≤ 1.2): Node's client asks for a new handshake on an
// established connection. Accepting it is harmless with RFC 5746 (secure renegotiation) but lets a
// client make the server do handshake work at will; without RFC 5746 it is the 2009
// renegotiation attack. When Node's client cannot complete the first handshake, nothing was asked:
// not tested, with Node's error.
import type { ProbeContext } from './context.ts';
import { type Finding, notTested, observed } from './finding.ts';
import { connectTls, nodeVersion } from './node-client.ts';

/** `version`: the highest accepted version below TLS 1.3 (0: none). */
export async function probeClientRenegotiation(ctx: ProbeContext, version: number): Promise<Finding> {
  const node = nodeVersion(version);
  if (node === undefined)
    return notTested(
      version === 0
        ? 'TLS 1.3 only: renegotiation does not exist in TLS 1.3'
        : "SSL 3.0 only: Node's TLS client cannot speak it",
    );
  return ctx.pool.run(async () => {
    const r = await connectTls(ctx.endpoint, {
      minVersion: node,
      maxVersion: node,
      ...(ctx.sni !== undefined ? { servername: ctx.sni } : {}),
    });
    if (!r.ok) return notTested(`Node's TLS client could not complete a handshake: ${r.error}`);
    const socket = r.socket;
    return new Promise<Finding>((resolve) => {
      let settled = false;
      const done = (v: Finding): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      };
      // Refused, cut or ignored: the server did not renegotiate.
      const timer = setTimeout(() => done(observed(false)), ctx.endpoint.timeoutMs);
      socket.on('data', () => {});
      socket.once('error', () => done(observed(false)));
      socket.once('close', () => done(observed(false)));
      const started = socket.renegotiate({ rejectUnauthorized: false }, (error) => done(observed(!error)));
      if (!started) done(notTested("Node's client could not start a renegotiation on this connection"));
    });
  });
}
