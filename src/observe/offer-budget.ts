// The offered lists on failure lines, bounded per client: a scanner (tlsterm probe, sslscan,
// testssl.sh) makes a hundred or more failing handshakes in seconds, each offering lists of up to
// hundreds of suites. The first few failures of a client address in a window carry the lists; the
// rest say `offered_limited` and keep their ja4 (which names the offer). Bounded in memory.

const WINDOW_MS = 10_000;
export const OFFERS_PER_CLIENT = 4;
const MAX_CLIENTS = 4096;

let windowStart = 0;
const counts = new Map<string, number>();

/** `client`: "ip:port" or "[v6]:port" as the lines spell it; the port is not part of the key. */
export function offerAllowed(client: unknown, now = Date.now()): boolean {
  if (typeof client !== 'string') return true;
  if (now - windowStart >= WINDOW_MS || counts.size >= MAX_CLIENTS) {
    counts.clear();
    windowStart = now;
  }
  const colon = client.lastIndexOf(':');
  const key = colon > 0 ? client.slice(0, colon) : client;
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n <= OFFERS_PER_CLIENT;
}
