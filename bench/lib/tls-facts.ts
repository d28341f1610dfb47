// What a server actually does with the bench's Node client, recorded with the result so that a
// difference between contenders is visible rather than silently measured: the negotiated protocol,
// cipher and group, and whether a session can be resumed again from a resumed connection.
import { connect } from 'node:tls';
import { within } from './wait.ts';

export type TlsFacts = { ok: true; value: string } | { ok: false; error: string };

interface Visit {
  /** "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519" */
  readonly params: string;
  readonly reused: boolean;
  /** Read before closing: what a client that keeps the last session would resume with. */
  readonly session: Buffer | undefined;
  /** The newest session the server handed out on this connection (a TLS 1.3 ticket), if any. */
  readonly ticket: Buffer | undefined;
}

// Connects, waits briefly for post-handshake session tickets, closes.
async function visit(port: number, servername: string, session?: Buffer): Promise<Visit> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    servername,
    rejectUnauthorized: false,
    ecdhCurve: 'X25519',
    ...(session === undefined ? {} : { session }),
  });
  let ticket: Buffer | undefined;
  socket.on('session', (s: Buffer) => {
    ticket = s;
  });
  try {
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    if (!(await within(connected, 5000))) throw new Error('handshake timed out');
    await new Promise((resolve) => setTimeout(resolve, 300)); // tickets follow the handshake
    const group = socket.getEphemeralKeyInfo();
    const groupName = group !== null && 'name' in group ? group.name : 'unknown';
    return {
      params: `${socket.getProtocol()} ${socket.getCipher().standardName} ${groupName}`,
      reused: socket.isSessionReused(),
      session: socket.getSession(),
      ticket,
    };
  } finally {
    socket.destroy();
  }
}

export async function negotiated(port: number, servername: string): Promise<TlsFacts> {
  try {
    const first = await visit(port, servername);
    if (first.ticket === undefined) return { ok: true, value: `${first.params}; no session ticket` };
    // wrk (and browsers) resume with the session of the LAST connection: if a resumed connection
    // brings no new ticket, the next reconnect may have to do a full handshake.
    const second = await visit(port, servername, first.ticket);
    const third = await visit(port, servername, second.ticket ?? second.session);
    const chain = [second.reused, third.reused].map((r) => (r ? 'resumed' : 'FULL')).join(', then ');
    const renewed = second.ticket === undefined ? 'no new ticket on resumption' : 'new ticket on resumption';
    return { ok: true, value: `${first.params}; reconnects: ${chain} (${renewed})` };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
