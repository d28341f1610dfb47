// The workers' answers merged into one instance view (pure). Workers of one generation hold the
// same certificates and ticket keys, so those are listed once with the workers that hold them; a
// worker that differs (a reload not yet everywhere) shows up as its own entry.

import type { JsonObject } from '../../observe/index.ts';
import type { AdminAnswer, ConnectionEntry, PairInService, TicketKeyEntry } from './asks.ts';

type Answers = readonly { readonly pid: number; readonly answer: AdminAnswer }[];

const pick = <W extends AdminAnswer['what']>(answers: Answers, what: W) =>
  answers.flatMap(({ pid, answer }) =>
    answer.what === what ? [{ pid, answer: answer as Extract<AdminAnswer, { what: W }> }] : [],
  );

/** Entries equal by `key` are listed once, with the pids of the workers holding them. */
function byKey<T>(rows: readonly { pid: number; item: T }[], key: (item: T) => string) {
  const seen = new Map<string, { item: T; workers: number[] }>();
  for (const { pid, item } of rows) {
    const k = key(item);
    const entry = seen.get(k);
    if (entry === undefined) seen.set(k, { item, workers: [pid] });
    else entry.workers.push(pid);
  }
  return [...seen.values()].map(({ item, workers }) => ({ ...item, workers: workers.sort((a, b) => a - b) }));
}

export function mergeCertificates(answers: Answers): JsonObject {
  const rows = pick(answers, 'certificates').flatMap(({ pid, answer }) =>
    answer.pairs.map((item: PairInService) => ({ pid, item })),
  );
  // Each worker watches the files itself: the same outcome at a slightly different time is one.
  const key = (p: PairInService) =>
    `${p.id} ${p.serial} ${p.last_reload?.result} ${p.last_reload?.serial} ${p.last_reload?.reason}`;
  return { certificates: byKey(rows, key) };
}

export function mergeConnections(answers: Answers, limit: number): JsonObject {
  const counts: Record<string, Record<string, number>> = {};
  // How the kernel spread the connections (reuse_port, or the shared socket's burst): pid → open.
  const perWorker: Record<string, number> = {};
  let total = 0;
  const list: (ConnectionEntry & { worker: number })[] = [];
  for (const { pid, answer } of pick(answers, 'connections')) {
    total += answer.connections.total;
    perWorker[String(pid)] = answer.connections.total;
    for (const [listener, perProtocol] of Object.entries(answer.connections.counts)) {
      const into = counts[listener] ?? {};
      counts[listener] = into;
      for (const [protocol, n] of Object.entries(perProtocol)) into[protocol] = (into[protocol] ?? 0) + n;
    }
    for (const c of answer.connections.list) list.push({ ...c, worker: pid });
  }
  list.sort((a, b) => b.age_seconds - a.age_seconds);
  return { total, counts, per_worker: perWorker, connections: list.slice(0, limit) };
}

export function mergeTicketKeys(answers: Answers): JsonObject {
  const rows = pick(answers, 'ticket-keys').flatMap(({ pid, answer }) =>
    answer.keys.map((item: TicketKeyEntry) => ({ pid, item })),
  );
  // Ages differ by the moment each worker answered: keyed without them, the first worker's age.
  return { ticket_keys: byKey(rows, (k) => `${k.listener} ${k.name_prefix} ${k.role}`) };
}

export function mergeEvents(answers: Answers, limit: number): JsonObject {
  const events = pick(answers, 'events').flatMap(({ pid, answer }) =>
    answer.events.map((e): Readonly<Record<string, unknown>> => ({ ...e, worker: pid })),
  );
  events.sort((a, b) => String(b['time']).localeCompare(String(a['time'])));
  return { events: events.slice(0, limit) };
}

/** Lines written by every worker for the key log order. */
export const keylogLines = (answers: Answers): number =>
  pick(answers, 'keylog').reduce((n, { answer }) => n + (answer.keylog.lines ?? 0), 0);
