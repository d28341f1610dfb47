// The built-in `inspect` handler (like Caddy's `respond`, but about TLS): the visitor's own
// connection as a lesson (lesson.ts, page.ts). HTML for browsers; JSON for `Accept:
// application/json` or `?format=json`. Loaded only by instances with an inspect site (it brings
// the trace module with it).

import type { CertificatePair } from '../../certs/pair.ts';
import type { LocalHandler, LocalRequest, LocalResponse } from '../../http/index.ts';
import { endpoint } from '../../observe/index.ts';
import type { TlsPolicy } from '../../tls/index.ts';
import { signingKeysOf } from '../handshake/index.ts';
import { buildLesson } from './lesson.ts';
import { lessonPage } from './page.ts';

/** What the handler reads of its site at request time (pairs change on a certificate reload). */
export interface InspectSite {
  readonly policy: TlsPolicy;
  pairs(): readonly CertificatePair[];
}

const header = (req: LocalRequest, name: string): string | undefined =>
  req.headers.find(([n]) => n === name)?.[1];

const wantsJson = (req: LocalRequest): boolean =>
  (header(req, 'accept') ?? '').includes('application/json') || /[?&]format=json(&|$)/.test(req.target);

export function makeInspectHandler(site: InspectSite): LocalHandler {
  return (req, conn) => {
    const facts = {
      client: endpoint(conn.clientAddress, conn.clientPort),
      http: req.httpVersion,
      ...conn.tls,
    };
    const pairs = site.pairs();
    const lesson = buildLesson({
      own: conn.ownHandshake,
      facts,
      policy: site.policy,
      keys: signingKeysOf(pairs),
      pairs,
      client: facts.client,
      server: endpoint(conn.localAddress, conn.localPort),
    });
    return wantsJson(req) ? json({ ...facts, lesson }) : page(lessonPage(facts, lesson));
  };
}

const NO_STORE: readonly (readonly [string, string])[] = [['cache-control', 'no-store']];

function json(body: unknown): LocalResponse {
  return {
    status: 200,
    headers: [['content-type', 'application/json'], ...NO_STORE],
    body: `${JSON.stringify(body, null, 2)}\n`,
  };
}

function page(html: string): LocalResponse {
  return {
    status: 200,
    // The page holds this connection's secrets: no script, nothing fetched, never cached or framed.
    headers: [
      ['content-type', 'text/html; charset=utf-8'],
      ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
      ...NO_STORE,
    ],
    body: html,
  };
}
