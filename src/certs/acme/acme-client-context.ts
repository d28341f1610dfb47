// acme-client, loaded on demand (it pulls axios and node-forge: only the certificate manager may
// import it, never the serving path), with two additions hooked into its axios instance: each call
// runs in an AsyncLocalStorage context that supplies the HTTPS trust and timeout of the site it
// works for, and collects the CA's problem documents (acme-client keeps only their `detail`).

import { AsyncLocalStorage } from 'node:async_hooks';
import type https from 'node:https';
import type * as AcmeClientModule from 'acme-client';
import { type AcmeProblem, parseAcmeProblem } from './problem.ts';

export type AcmeModule = typeof AcmeClientModule;
export type AcmeClient = AcmeClientModule.Client;

export interface AcmeCallContext {
  readonly httpsAgent?: https.Agent;
  readonly timeoutMs: number;
  /** Problem documents seen during the call, oldest first. */
  readonly problems: AcmeProblem[];
}

const context = new AsyncLocalStorage<AcmeCallContext>();
let loaded: Promise<AcmeModule> | undefined;

/** The problem in a response body: a problem document, or the `error` of an invalid object. */
export function problemInBody(status: number, body: unknown): AcmeProblem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  if (status >= 400) return parseAcmeProblem(body);
  const o = body as Record<string, unknown>;
  if (o['status'] !== 'invalid') return undefined;
  const own = parseAcmeProblem(o['error']);
  if (own) return own;
  // An invalid authorization carries the error in the challenge that failed.
  if (Array.isArray(o['challenges'])) {
    for (const c of o['challenges']) {
      const p = parseAcmeProblem((c as Record<string, unknown> | null)?.['error']);
      if (p) return p;
    }
  }
  return undefined;
}

interface ResponseLike {
  readonly status?: number;
  readonly data?: unknown;
}

function record(res: ResponseLike | undefined): void {
  const ctx = context.getStore();
  if (!ctx || !res) return;
  const p = problemInBody(res.status ?? 0, res.data);
  if (p) ctx.problems.push(p);
}

/** Import acme-client once and hook the interceptors into its axios instance. */
export function loadAcmeClient(): Promise<AcmeModule> {
  loaded ??= (async () => {
    const imported = (await import('acme-client')) as AcmeModule & { default?: AcmeModule };
    const acme = imported.default ?? imported;
    acme.setLogger(() => {}); // its debug lines would mention nonces and URLs; our events say what matters
    acme.axios.interceptors.request.use((config) => {
      const ctx = context.getStore();
      if (ctx) {
        if (ctx.httpsAgent) config.httpsAgent = ctx.httpsAgent;
        if (!config.timeout) config.timeout = ctx.timeoutMs;
      }
      return config;
    });
    acme.axios.interceptors.response.use(
      (res) => {
        record(res);
        return res;
      },
      (error: unknown) => {
        record((error as { response?: ResponseLike } | null)?.response);
        return Promise.reject(error);
      },
    );
    return acme;
  })();
  // A failed import is not remembered: the next order tries again.
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** Run `fn` (calls into acme-client) with this trust, timeout and problem collector. */
export function withAcmeContext<T>(ctx: AcmeCallContext, fn: () => Promise<T>): Promise<T> {
  return context.run(ctx, fn);
}
