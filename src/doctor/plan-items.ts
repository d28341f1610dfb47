// The checks that read the configuration: key file permissions, the clock against the certificates'
// validity, the open-file limit against the connection limits, and whether each listener can bind.

import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import net from 'node:net';
import type { Plan } from '../config/index.ts';
import type { DoctorItem } from './report.ts';
import type { SystemView } from './system.ts';

const DAY_MS = 86_400_000;

export function keyFileItems(plan: Plan): DoctorItem[] {
  const out: DoctorItem[] = [];
  const seen = new Set<string>();
  for (const l of plan.listeners)
    for (const s of l.sites)
      for (const pair of s.certificates) {
        if (seen.has(pair.keyPath)) continue;
        seen.add(pair.keyPath);
        let mode: number;
        let uid: number;
        try {
          const st = statSync(pair.keyPath);
          mode = st.mode & 0o777;
          uid = st.uid;
        } catch (e) {
          out.push({
            id: `certs.key_mode.${pair.keyPath}`,
            area: 'certificates',
            title: `Key file ${pair.keyPath}`,
            status: 'error',
            detail: `cannot be read: ${e instanceof Error ? e.message : String(e)}`,
          });
          continue;
        }
        const octal = `0${mode.toString(8)}`;
        const loose = (mode & 0o077) !== 0;
        out.push({
          id: `certs.key_mode.${pair.keyPath}`,
          area: 'certificates',
          title: `Key file ${pair.keyPath}`,
          status: loose ? 'warning' : 'ok',
          detail: loose
            ? `mode ${octal}: the private key is readable by ${mode & 0o007 ? 'every user' : 'its group'}.`
            : `mode ${octal}, owner uid ${uid}: only its owner reads it.`,
          ...(loose ? { hint: `chmod 600 ${pair.keyPath}` } : {}),
          facts: { mode: octal, uid },
        });
      }
  return out;
}

export function clockItems(plan: Plan, now = new Date()): DoctorItem[] {
  const out: DoctorItem[] = [];
  const seen = new Set<string>();
  for (const l of plan.listeners)
    for (const s of l.sites)
      for (const pair of s.certificates) {
        if (seen.has(pair.certPath)) continue;
        seen.add(pair.certPath);
        let from: Date;
        let to: Date;
        try {
          const x = new X509Certificate(pair.certPem);
          from = new Date(x.validFrom);
          to = new Date(x.validTo);
        } catch {
          continue; // check reports unreadable certificates
        }
        const facts = { not_before: from.toISOString(), not_after: to.toISOString(), now: now.toISOString() };
        const title = `Clock against ${pair.certPath} (${pair.subject})`;
        const id = `certs.clock.${pair.certPath}`;
        if (now < from) {
          const ahead = Math.ceil((from.getTime() - now.getTime()) / 60_000);
          out.push({
            id,
            area: 'certificates',
            title,
            status: 'error',
            detail: `This machine's clock is ${ahead} minute(s) before the certificate's notBefore: clients with a correct clock accept it, but either the clock is behind or the certificate was issued for the future.`,
            hint: 'check the clock (chronyc tracking, timedatectl); ACME CAs backdate notBefore by an hour to absorb skew',
            facts,
          });
        } else if (now > to) {
          out.push({
            id,
            area: 'certificates',
            title,
            status: 'error',
            detail: 'The certificate has expired by this clock.',
            hint: 'renew it (tlsterm cert status)',
            facts,
          });
        } else {
          const days = Math.floor((to.getTime() - now.getTime()) / DAY_MS);
          out.push({
            id,
            area: 'certificates',
            title,
            status: days < 7 ? 'warning' : 'ok',
            detail: `Valid by this clock for ${days} more day(s).`,
            facts,
          });
        }
      }
  return out;
}

/** `Max open files  soft  hard  files` from /proc/self/limits. */
export function parseOpenFileLimit(text: string): { soft: number; hard: number } | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const n = (v: string | undefined): number => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(m[1]), hard: n(m[2]) };
}

export function openFileItem(plan: Plan, sys: SystemView): DoctorItem {
  const limits = sys.read('/proc/self/limits');
  const nofile = limits === undefined ? undefined : parseOpenFileLimit(limits);
  const title = 'Open-file limit against the connection limits';
  if (nofile === undefined)
    return {
      id: 'limits.nofile',
      area: 'limits',
      title,
      status: 'not_tested',
      detail: '/proc/self/limits could not be read.',
    };
  // Node raises its soft limit to the hard one at start-up (src/node.cc), so the hard one counts.
  const unbounded = plan.listeners.filter((l) => l.limits.maxConnections === 0).map((l) => l.name);
  // A proxied connection holds two descriptors (client + upstream), one answered here holds one;
  // connection limits are per worker.
  const perConnection = (l: Plan['listeners'][number]): number =>
    l.sites.some((s) => s.upstream !== undefined) ? 2 : 1;
  const need = plan.listeners.reduce((sum, l) => sum + perConnection(l) * l.limits.maxConnections, 0) + 64;
  const facts = {
    soft: nofile.soft,
    hard: nofile.hard,
    needed_per_worker: need,
    unbounded_listeners: unbounded,
  };
  if (unbounded.length > 0)
    return {
      id: 'limits.nofile',
      area: 'limits',
      title,
      status: 'warning',
      detail: `Listener(s) ${unbounded.join(', ')} have max_connections: 0 (none), so only the open-file limit (${nofile.hard}) bounds them: past it, accept fails with EMFILE.`,
      hint: 'set limits.max_connections on every listener',
      facts,
    };
  if (nofile.hard < need)
    return {
      id: 'limits.nofile',
      area: 'limits',
      title,
      status: 'warning',
      detail: `The hard open-file limit is ${nofile.hard}, but the listeners' max_connections allow ${need - 64} client and upstream descriptors per worker (+64 spare): accepts fail with EMFILE before the configured limits are reached.`,
      hint: `raise it: LimitNOFILE=${need} in the systemd unit, or ulimit -n ${need}; or lower limits.max_connections`,
      facts,
    };
  return {
    id: 'limits.nofile',
    area: 'limits',
    title,
    status: 'ok',
    detail: `The hard open-file limit (${nofile.hard}) covers the listeners' max_connections (${need} descriptors per worker with upstreams and spare).`,
    facts,
  };
}

/** Whether each listener's address can be bound now (a running tlsterm holding it shows as in use). */
export async function bindItems(plan: Plan): Promise<DoctorItem[]> {
  const addrs = [
    ...plan.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
    ...plan.httpListeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
  ];
  return Promise.all(
    addrs.map(async (a): Promise<DoctorItem> => {
      const id = `listeners.bind.${a.name}`;
      const where = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
      const title =
        a.name === where ? `Listener ${where} can bind` : `Listener ${a.name} (${where}) can bind`;
      if (a.port === 0)
        return {
          id,
          area: 'listeners',
          title,
          status: 'ok',
          detail: 'Port 0: the system picks a free port at start-up.',
        };
      const err = await tryBind(a.host, a.port);
      if (err === undefined)
        return { id, area: 'listeners', title, status: 'ok', detail: 'Bound and released.' };
      if (err === 'EADDRINUSE')
        return {
          id,
          area: 'listeners',
          title,
          status: 'error',
          detail: `Port ${a.port} is in use (if tlsterm itself is running with this config, that is expected).`,
          hint: `see who holds it: ss -ltnp 'sport = :${a.port}'`,
        };
      if (err === 'EACCES')
        return {
          id,
          area: 'listeners',
          title,
          status: 'error',
          detail: `Binding port ${a.port} needs privilege (ports below 1024).`,
          hint: 'give node CAP_NET_BIND_SERVICE (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE; or setcap cap_net_bind_service=+ep $(command -v node)), or lower net.ipv4.ip_unprivileged_port_start',
        };
      if (err === 'EADDRNOTAVAIL')
        return {
          id,
          area: 'listeners',
          title,
          status: 'error',
          detail: `${a.host} is not an address of this machine.`,
          hint: 'use an address from `ip -brief address`, or :PORT for all',
        };
      return { id, area: 'listeners', title, status: 'error', detail: `bind failed: ${err}` };
    }),
  );
}

function tryBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}
