// The two unauthenticated GETs the manager makes itself: the directory (does the CA offer
// renewalInfo?) and RFC 9773 renewalInfo. node:https, bounded in time and size, the same trust as the
// ACME client (system roots plus the site's `ca`).

import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { http } from '../../builtins.ts';
import { type AcmeProblem, parseAcmeProblem } from './problem.ts';

export interface FetchOptions {
  /** Extra roots (PEM) for the directory's HTTPS. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

const MAX_BODY = 1024 * 1024;

/** Trust for HTTPS to the CA: the system's roots, plus `ca` when given. */
export function trustedRoots(ca: string | undefined): string[] | undefined {
  return ca ? [...tls.rootCertificates, ca] : undefined;
}

export function getJson(url: string, opts: FetchOptions = {}): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'http:' ? http : https;
    const ca = trustedRoots(opts.ca);
    const req = client.get(
      target,
      { headers: { accept: 'application/json' }, timeout: opts.timeoutMs ?? 30_000, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`response from ${url} is larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', reject);
  });
}

export class AcmeHttpError extends Error {
  readonly problem: AcmeProblem | undefined;
  readonly status: number;
  constructor(message: string, status: number, problem: AcmeProblem | undefined) {
    super(message);
    this.name = 'AcmeHttpError';
    this.status = status;
    this.problem = problem;
  }
}

/** The directory object. Throws AcmeHttpError on a non-200 answer. */
export async function fetchDirectory(url: string, opts: FetchOptions = {}): Promise<Record<string, unknown>> {
  const res = await getJson(url, opts);
  if (res.status !== 200 || typeof res.body !== 'object' || res.body === null) {
    throw new AcmeHttpError(
      `ACME directory ${url} answered HTTP ${res.status}`,
      res.status,
      parseAcmeProblem(res.body),
    );
  }
  return res.body as Record<string, unknown>;
}

/** GET <renewalInfo>/<certID>: the body and the Retry-After header. */
export async function fetchRenewalInfo(
  renewalInfoUrl: string,
  certId: string,
  opts: FetchOptions = {},
): Promise<{ body: unknown; retryAfter: string | undefined }> {
  const url = `${renewalInfoUrl.replace(/\/$/, '')}/${certId}`;
  const res = await getJson(url, opts);
  if (res.status !== 200) {
    throw new AcmeHttpError(
      `renewalInfo ${url} answered HTTP ${res.status}`,
      res.status,
      parseAcmeProblem(res.body),
    );
  }
  const ra = res.headers['retry-after'];
  return { body: res.body, retryAfter: Array.isArray(ra) ? ra[0] : ra };
}
