// One active health check: GET the pool's health path on a server, on a fresh connection, within
// the timeout; healthy when the status is in the expected range.

import https from 'node:https';
import { http } from '../../builtins.ts';
import type { HttpUpstream } from '../types.ts';
import { upstreamTlsConnectOptions } from '../upstream-tls.ts';
import type { ActiveHealthPlan } from './plan.ts';

export interface ProbeResult {
  readonly ok: boolean;
  /** The status, or what went wrong ("ECONNREFUSED", "timeout after 2000 ms"). */
  readonly detail: string;
}

export const probe = (upstream: HttpUpstream, h: ActiveHealthPlan): Promise<ProbeResult> =>
  new Promise((resolve) => {
    const url = new URL(h.path, upstream.url);
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'GET',
      agent: false,
      timeout: h.timeoutMs,
      headers: { 'user-agent': 'tlsterm-health', connection: 'close' },
      ...(secure && upstream.tls !== undefined ? upstreamTlsConnectOptions(upstream.tls) : {}),
    };
    let settled = false;
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (secure ? https : http).request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      done({ ok: status >= h.expectLow && status <= h.expectHigh, detail: `status ${status}` });
    });
    // A bound on the whole check, not only on socket inactivity.
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, detail: `timeout after ${h.timeoutMs} ms` });
    }, h.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, detail: e.code ?? e.message }));
    req.end();
  });
