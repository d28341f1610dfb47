// Renders docs/logs.md from the event table (src/observe/events.ts):
//   node scripts/logs-doc.ts > docs/logs.md
// test/unit/observe/events-doc.test.ts fails when the page and the table disagree.
import { EVENTS, type EventSpec } from '../src/observe/index.ts';

const GROUPS: readonly [EventSpec['by'], string][] = [
  ['serve', 'Connections'],
  ['http', 'Requests'],
  ['certs', 'Certificates'],
  ['acme', 'ACME'],
  ['state', 'Shared state'],
  ['cluster', 'The instance'],
];

export function renderLogsDoc(): string {
  const out: string[] = [
    '# Log events',
    '',
    '<!-- Rendered from src/observe/events.ts by `node scripts/logs-doc.ts > docs/logs.md`; edit the table, not this page. -->',
    '',
    'tlsterm writes one line per event, JSON by default (`log.format: text` for people tailing it), on',
    'stdout or appended to `log.file` (SIGUSR1 reopens it). Every JSON line starts with `time` (ISO 8601),',
    '`level` (`debug`, `info`, `warning` or `error`: the level below is the usual one; lines under',
    '`log.level` are not written), in a cluster worker `worker` (its pid; with `single_process` no line',
    'has it: one process serves); then `event`, one of the names below, and its fields. A client is',
    'always spelled `"203.0.113.9:5123"` or `"[::1]:43818"`; `conn_id` joins a `handshake` line to the',
    '`access` lines of its connection. Secrets (keys, TLS secrets, Redis passwords) never appear.',
    'Configuration: `log:` in docs/configuration.md; figures: docs/operations.md.',
    '',
  ];
  const entries = Object.entries(EVENTS) as [string, EventSpec][];
  for (const [by, title] of GROUPS) {
    out.push(`## ${title}`, '');
    for (const [name, spec] of entries.filter(([, s]) => s.by === by)) {
      out.push(`### \`${name}\` (${spec.level})`, '', `${spec.says[0]?.toUpperCase()}${spec.says.slice(1)}.`, '');
      if (spec.perWorker)
        out.push('Every worker writes this line for the same fact; it says `"workers":N` (count N lines as one).', '');
      out.push('| field | holds |', '| --- | --- |');
      for (const [field, holds] of Object.entries(spec.fields))
        out.push(`| \`${field}\` | ${holds.replaceAll("|", "\\|")} |`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (import.meta.main) process.stdout.write(renderLogsDoc());
