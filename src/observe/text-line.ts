// `log.format: text`: one line per event for people tailing the log, e.g.
//   2026-12-07T03:00:00Z info access [::1]:5123 GET example.com /x 200 512B 3ms id=…
// The usual events (access, handshake, handshake_failed) get a fixed word order; every other event
// is `key=value` pairs (strings with spaces quoted, objects as JSON). JSON stays the format to parse.

type Fields = Readonly<Record<string, unknown>>;

const word = (v: unknown): string => {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v === '' ? '""' : /[\s"]/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

const pairs = (e: Fields, skip: ReadonlySet<string>): string => {
  let text = '';
  for (const k in e) {
    if (skip.has(k)) continue;
    const v = e[k];
    if (v === undefined) continue;
    text += ` ${k}=${word(v)}`;
  }
  return text;
};

const BASE = new Set(['event', 'level']);
const ACCESS = new Set([...BASE, 'client', 'method', 'host', 'uri', 'status', 'bytes_out', 'total_ms']);
const HANDSHAKE = new Set([...BASE, 'client', 'sni', 'version', 'cipher', 'group', 'handshake_ms']);
const FAILED = new Set([...BASE, 'client', 'sni', 'reason', 'detail']);

/** The event's own words after `time level event`. */
function body(e: Fields): string {
  switch (e['event']) {
    case 'access':
      return (
        ` ${word(e['client'])} ${word(e['method'])} ${word(e['host'])} ${word(e['uri'])}` +
        ` ${word(e['status'])} ${word(e['bytes_out'])}B ${word(e['total_ms'])}ms${pairs(e, ACCESS)}`
      );
    case 'handshake': {
      const cipher = e['cipher'] as { iana?: string } | undefined;
      return (
        ` ${word(e['client'])} ${word(e['sni'])} ${word(e['version'])} ${word(cipher?.iana)}` +
        ` ${word(e['group'])} ${word(e['handshake_ms'])}ms${pairs(e, HANDSHAKE)}`
      );
    }
    case 'handshake_failed':
      // The detail is words for people; a line break in it (OpenSSL's text) must not end the line.
      return ` ${word(e['client'])} ${word(e['sni'])} ${word(e['reason'])}: ${String(e['detail']).replace(/[\r\n]+/g, ' ')}${pairs(e, FAILED)}`;
    default:
      return pairs(e, BASE);
  }
}

/**
 * `time`: ISO with milliseconds; `fixed`: the process's own fields (worker); `raw`: members already
 * rendered as JSON (the client's offer), written as they are.
 */
export function textLine(time: string, level: string, e: Fields, fixed: Fields, raw: string): string {
  let text = `${time} ${level} ${String(e['event'] ?? '-')}${body(e)}${pairs(fixed, BASE)}`;
  if (raw !== '') text += ` ${raw.replace(/^"(\w+)":/, '$1=')}`;
  return `${text}\n`;
}
