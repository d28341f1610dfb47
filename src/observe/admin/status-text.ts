// `tlsterm status` as text: /api/v1/status read by a person.

type Json = Readonly<Record<string, unknown>>;

const duration = (s: number): string => {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
};

export function formatInstanceStatus(status: Json, from: string): string {
  const out = [`tlsterm ${String(status['version'])}, from the running instance at ${from}`];
  const field = (k: string, v: string) => out.push(`  ${k.padEnd(10)} ${v}`);
  field('pid', String(status['pid']));
  field('uptime', duration(Number(status['uptime_seconds'] ?? 0)));
  field('generation', String(status['generation']));
  const workers = (status['workers'] ?? []) as readonly Json[];
  field(
    'workers',
    workers.length === 0
      ? '(none)'
      : workers
          .map(
            (w) =>
              `${String(w['pid'])} (gen ${String(w['generation'])}${w['ready'] === true ? '' : ', starting'})`,
          )
          .join(', '),
  );
  const config = (status['config'] ?? {}) as Json;
  field(
    'config',
    config['file'] === null || config['file'] === undefined
      ? 'the embedded default'
      : `${String(config['file'])} (sha256 ${String(config['sha256'] ?? '?').slice(0, 16)}…)`,
  );
  for (const l of (status['listeners'] ?? []) as readonly Json[]) {
    const a = String(l['address']);
    field(
      'listener',
      `${String(l['listener'])} ${String(l['scheme'])}://${a.includes(':') ? `[${a}]` : a}:${String(l['port'])}${l['reuse_port'] === true ? ' (reuse_port: a socket per worker)' : ''}`,
    );
  }
  const keylog = (status['keylog'] ?? {}) as Json;
  field(
    'keylog',
    keylog['on'] === true
      ? `ON until ${String(keylog['until'])} → ${String(keylog['file'])}${keylog['site'] ? ` (site ${String(keylog['site'])})` : ''}${keylog['client'] ? ` (client ${String(keylog['client'])})` : ''}`
      : 'off',
  );
  return `${out.join('\n')}\n`;
}
