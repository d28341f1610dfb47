// The key log on demand, in the primary: `POST /api/v1/keylog` checks the order (site, client CIDR,
// duration: at most 1 h, default 10 min; file: a name in <state_dir>/keylog/, default <time>.keys,
// mode 0600, the directory 0700),
// tells the serving workers, logs `keylog_on` (warning) and ends it at the deadline (or on DELETE,
// or at stop) with `keylog_off`. The workers also end it themselves at the deadline. A reload
// hands the order on to the new workers.

import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseDuration } from '../../config/duration.ts';
import type { JsonObject, Logger, SourceAnswer } from '../../observe/index.ts';
import type { Supervisor } from '../cluster/index.ts';
import type { KeylogOrder } from './asks.ts';
import { clientMatcher } from './cidr.ts';
import { keylogLines } from './merge.ts';

export const KEYLOG_MAX_MS = 60 * 60 * 1000;
export const KEYLOG_DEFAULT_MS = 10 * 60 * 1000;

export interface KeylogSession {
  start(body: JsonObject): Promise<SourceAnswer<JsonObject>>;
  stop(why?: 'stopped' | 'shutdown'): Promise<SourceAnswer<JsonObject>>;
  /** After a reload: the new workers get the order still on. */
  resume(): Promise<void>;
  /** For /api/v1/status. */
  state(): JsonObject;
}

type Checked = { ok: true; order: KeylogOrder } | { ok: false; error: string; hint: string };

/** The order from a request body (pure but for the clock). */
export function checkKeylogOrder(body: JsonObject, plan: Supervisor['plan'], now: number): Checked {
  const { site, client, duration, file } = body;
  if (site !== undefined && typeof site !== 'string')
    return { ok: false, error: 'site is a string', hint: 'a site id or host name' };
  if (client !== undefined && typeof client !== 'string')
    return { ok: false, error: 'client is a string', hint: 'a CIDR, e.g. 10.0.0.0/8' };
  if (file !== undefined && typeof file !== 'string')
    return { ok: false, error: 'file is a path', hint: 'or leave it out' };
  const unknown = Object.keys(body).filter((k) => !['site', 'client', 'duration', 'file'].includes(k));
  if (unknown.length > 0)
    return { ok: false, error: `unknown field ${unknown.join(', ')}`, hint: 'site, client, duration, file' };
  if (site !== undefined) {
    const wanted = site.toLowerCase();
    const known = plan.listeners.some((l) =>
      l.sites.some((s) => s.mode === 'terminate' && (s.id === site || s.hosts.includes(wanted))),
    );
    if (!known)
      return {
        ok: false,
        error: `no terminating site ${site}`,
        hint: 'a site id (listeners[0].sites[0]) or one of its hosts',
      };
  }
  if (client !== undefined) {
    const m = clientMatcher(client);
    if (!m.ok) return { ok: false, error: m.error, hint: 'e.g. 192.0.2.0/24, ::1' };
  }
  let ms = KEYLOG_DEFAULT_MS;
  if (duration !== undefined) {
    const d = parseDuration(duration);
    if (!d.ok) return { ok: false, error: `duration: ${d.error}`, hint: 'e.g. "5m"' };
    if (d.value <= 0 || d.value > KEYLOG_MAX_MS)
      return { ok: false, error: 'duration is more than 0 and at most 1h', hint: 'e.g. "5m"' };
    ms = d.value;
  }
  const dir = path.join(plan.stateDir, 'keylog');
  const stamp = new Date(now).toISOString().replaceAll(':', '-');
  const target = file === undefined ? path.join(dir, `${stamp}.keys`) : path.resolve(dir, file);
  // Only under the keylog directory (0700, tlsterm's own): anyone who can reach the API on loopback
  // could otherwise name a file they made readable, and the secrets would be written into it.
  const inside = path.relative(dir, target);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside) || inside.includes(path.sep))
    return {
      ok: false,
      error: `file must be a name in ${dir}`,
      hint: 'e.g. "file": "shop.keys", or leave it out',
    };
  return {
    ok: true,
    order: {
      ...(site !== undefined ? { site } : {}),
      ...(client !== undefined ? { client } : {}),
      file: target,
      until: now + ms,
    },
  };
}

export function createKeylogSession(supervisor: Supervisor, log: Logger): KeylogSession {
  let active: { order: KeylogOrder; timer: NodeJS.Timeout; started: number } | undefined;
  const describe = (): JsonObject =>
    active === undefined
      ? { on: false }
      : {
          on: true,
          file: active.order.file,
          site: active.order.site ?? null,
          client: active.order.client ?? null,
          until: new Date(active.order.until).toISOString(),
        };
  const end = async (why: 'expired' | 'stopped' | 'shutdown'): Promise<JsonObject> => {
    if (active === undefined) return { on: false };
    const ending = active;
    active = undefined;
    clearTimeout(ending.timer);
    const answers = await supervisor.ask({ what: 'keylog-stop' }, true);
    const lines = keylogLines(answers.answers);
    log({
      event: 'keylog_off',
      file: ending.order.file,
      why,
      lines,
      duration_s: Math.round((Date.now() - ending.started) / 1000),
    });
    return {
      on: false,
      file: ending.order.file,
      lines,
      ...(answers.missing.length > 0 ? { missing_workers: answers.missing } : {}),
    };
  };
  return {
    async start(body) {
      const checked = checkKeylogOrder(body, supervisor.plan, Date.now());
      if (!checked.ok) return { ok: false, status: 400, error: checked.error, hint: checked.hint };
      if (active !== undefined) await end('stopped');
      const { order } = checked;
      const dir = path.dirname(order.file);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const answers = await supervisor.ask({ what: 'keylog-start', order });
      const failed = answers.answers.filter(({ answer }) => answer.what !== 'keylog' || !answer.keylog.on);
      if (answers.answers.length === 0 || failed.length === answers.answers.length) {
        await supervisor.ask({ what: 'keylog-stop' }, true);
        return {
          ok: false,
          status: 500,
          error: `no worker could open ${order.file}`,
          hint: 'see the keylog_failed line in the log',
        };
      }
      const timer = setTimeout(() => void end('expired'), order.until - Date.now());
      active = { order, timer, started: Date.now() };
      log({
        event: 'keylog_on',
        level: 'warning',
        file: order.file,
        site: order.site ?? null,
        client: order.client ?? null,
        until: new Date(order.until).toISOString(),
        detail:
          'the TLS secrets of matching connections are written to this file; whoever reads it can decrypt them',
      });
      return {
        ok: true,
        value: {
          ...describe(),
          ...(answers.missing.length > 0 ? { missing_workers: answers.missing } : {}),
        },
      };
    },
    async stop(why = 'stopped') {
      if (active === undefined)
        return { ok: false, status: 404, error: 'no key log is on', hint: 'POST /api/v1/keylog starts one' };
      return { ok: true, value: await end(why) };
    },
    async resume() {
      if (active !== undefined) await supervisor.ask({ what: 'keylog-start', order: active.order });
    },
    state: describe,
  };
}
