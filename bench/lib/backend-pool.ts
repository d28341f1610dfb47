// The keep-alive sockets of Node's proxy floors (node-proxy, node-h2-proxy) to the bench's plain
// HTTP/1.1 backend: the least pooling a proxy can do (a stack of idle sockets, no limits, no health,
// no idle timeout), so the floor pays one connect per concurrent request, not one per request.
import net from 'node:net';

export interface BackendPool {
  /** An idle socket, or a new one (connecting; writes queue until it is up). */
  acquire(): net.Socket;
  /** A socket whose response was read whole goes back; any other is destroyed. */
  release(socket: net.Socket, reusable: boolean): void;
}

export function backendPool(port: number): BackendPool {
  const idle: net.Socket[] = [];
  return {
    acquire() {
      const reused = idle.pop();
      if (reused !== undefined) return reused;
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
      socket.on('error', () => {});
      // A socket the backend closes while idle leaves the stack.
      socket.on('close', () => {
        const at = idle.indexOf(socket);
        if (at >= 0) idle.splice(at, 1);
      });
      return socket;
    },
    release(socket, reusable) {
      if (reusable && !socket.destroyed) idle.push(socket);
      else socket.destroy();
    },
  };
}
