// POST an OCSPRequest to a responder (RFC 6960 Appendix A.1) and read its answer: bounded in time
// (one deadline over connect, request and body) and in size; no redirects. Never throws.

import { Buffer } from 'node:buffer';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { http } from '../../builtins.ts';

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 10_000, maxBytes: 64 * 1024 };

export type FetchResult =
  | { readonly ok: true; readonly der: Uint8Array }
  | {
      readonly ok: false;
      readonly reason: 'responder_unreachable' | 'responder_http_error' | 'timeout' | 'too_large';
      readonly detail: string;
    };

export function postOcspRequest(
  url: string,
  body: Uint8Array,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): Promise<FetchResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: FetchResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: 'timeout', detail: `no answer in ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
    let request: ClientRequest | undefined;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done({ ok: false, reason: 'responder_unreachable', detail: `not a URL: ${url}` });
    }
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!client) return done({ ok: false, reason: 'responder_unreachable', detail: `not http(s): ${url}` });
    request = client.request(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/ocsp-request',
        accept: 'application/ocsp-response',
        'content-length': body.length,
      },
      agent: false,
    });
    request.on('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, reason: 'responder_unreachable', detail: e.code ?? e.message }),
    );
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return done({ ok: false, reason: 'responder_http_error', detail: `HTTP ${res.statusCode}` });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limits.maxBytes)
          return done({ ok: false, reason: 'too_large', detail: `more than ${limits.maxBytes} bytes` });
        chunks.push(c);
      });
      res.on('end', () => done({ ok: true, der: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', (e: Error) => done({ ok: false, reason: 'responder_unreachable', detail: e.message }));
    });
    request.end(body);
  });
}
