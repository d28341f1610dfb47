// The accept path of the floor servers that read the ClientHello first: gather the first TLS
// record (5-byte header + its length) in JavaScript, put it back and hand the socket over, as
// tlsterm's accept path does before its TLS server sees the connection (without parsing it).
import type { Socket } from 'node:net';

export function peekFirstRecord(socket: Socket, handOver: (socket: Socket) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length < 5 || buffered.length < 5 + buffered.readUInt16BE(3)) return;
    socket.off('data', onData);
    socket.pause();
    socket.unshift(buffered);
    handOver(socket);
  };
  socket.on('data', onData);
  socket.on('error', () => {});
}
