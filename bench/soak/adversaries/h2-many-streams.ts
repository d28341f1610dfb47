// Many concurrent streams on one HTTP/2 connection (200 at once, above any sane stream limit):
// counts the streams answered, the rest are refused or reset.
import { sourceAddress } from '../clients.ts';
import { flooder } from './flooder.ts';
import { closeSession, h2Session } from './h2-session.ts';

const STREAMS = 200;

export const h2ManyStreams = flooder('h2_many_streams', 'floods', 2_000, 2, async (port, i) => {
  const session = await h2Session(port, sourceAddress(32, i));
  if (session instanceof Error) return false;
  const streams = Array.from(
    { length: STREAMS },
    () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        try {
          const req = session.request({ ':path': '/1k' });
          let status = 0;
          req.on('response', (h) => {
            status = Number(h[':status']);
          });
          req.on('error', () => {});
          req.resume();
          req.on('close', () => {
            clearTimeout(timer);
            resolve(status === 200);
          });
          req.end();
        } catch {
          clearTimeout(timer);
          resolve(false);
        }
      }),
  );
  const answered = (await Promise.all(streams)).filter(Boolean).length;
  closeSession(session);
  return answered > 0;
});
