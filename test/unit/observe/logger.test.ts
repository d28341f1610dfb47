import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVENTS } from '../../../src/observe/events.ts';
import { DEFAULT_LOG_SETTINGS, type LogSettings } from '../../../src/observe/log-settings.ts';
import {
  createConfigurableLogger,
  createJsonLogger,
  createLogOutput,
  isoNow,
  type LogEvent,
} from '../../../src/observe/logger.ts';

const parse = (line: string): Record<string, unknown> => {
  assert.ok(line.endsWith('\n'), 'a line ends with a newline');
  return JSON.parse(line) as Record<string, unknown>;
};

const OFFER = `"offered":${JSON.stringify({ alpn: ['h2'] })}`;

const logger = (settings: Partial<LogSettings> = {}, fields?: Record<string, unknown>) => {
  const lines: string[] = [];
  const { log } = createConfigurableLogger((l) => lines.push(l), {
    ...(fields !== undefined ? { fields } : {}),
    settings: { ...DEFAULT_LOG_SETTINGS, ...settings },
  });
  return { lines, log };
};

describe('createJsonLogger', () => {
  test('one JSON line per call: time, level, then the event as given', () => {
    const lines: string[] = [];
    const log = createJsonLogger((l) => lines.push(l));
    log({ event: 'handshake', sni: 'a.test', ja4: 't13d', skipped: undefined });
    assert.equal(lines.length, 1);
    const e = parse(lines[0]!);
    assert.deepEqual(Object.keys(e), ['time', 'level', 'event', 'sni', 'ja4']);
    assert.match(String(e['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(String(e['time'])) - Date.now()) < 60_000);
    assert.equal(e['level'], 'info');
  });

  test('fixed fields come right after time and level', () => {
    const tagged: string[] = [];
    const log = createJsonLogger((l) => tagged.push(l), { fields: { worker: 42 } });
    log({ event: 'started', listeners: [] });
    assert.deepEqual(Object.keys(parse(tagged[0]!)), ['time', 'level', 'worker', 'event', 'listeners']);
  });

  test('text that needs escaping stays valid JSON', () => {
    const lines: string[] = [];
    createJsonLogger((l) => lines.push(l))({
      event: 'reload_failed',
      detail: 'quote " backslash \\ newline \n end',
    });
    assert.equal(parse(lines[0]!)['detail'], 'quote " backslash \\ newline \n end');
  });
});

describe('time', () => {
  test("is Date's toISOString of the millisecond, whatever came before it", () => {
    // Across second, minute, day and year boundaries, with 1-, 2- and 3-digit milliseconds, going
    // forward, repeating and going back (the clock may be set back).
    const instants = [
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 0),
      Date.UTC(2027, 0, 1, 0, 0, 0, 0),
      Date.UTC(2027, 0, 1, 0, 0, 0, 7),
      Date.UTC(2027, 0, 1, 0, 0, 0, 42),
      Date.UTC(2027, 0, 1, 0, 0, 1, 100),
      Date.UTC(2026, 5, 15, 12, 30, 45, 5),
      0,
      Date.now(),
    ];
    for (const ms of instants) assert.equal(isoNow(ms), new Date(ms).toISOString(), String(ms));
    for (let ms = Date.UTC(2026, 0, 1) - 1500; ms < Date.UTC(2026, 0, 1) + 1500; ms += 7)
      assert.equal(isoNow(ms), new Date(ms).toISOString(), String(ms));
  });

  test('a line says when it was written', () => {
    const lines: string[] = [];
    const log = createJsonLogger((l) => lines.push(l));
    const before = Date.now();
    log({ event: 'handshake', sni: 'a.test' });
    const after = Date.now();
    const time = Date.parse(String(parse(lines[0] ?? '')['time']));
    assert.ok(time >= before && time <= after, `${time} within [${before}, ${after}]`);
  });
});

describe('level', () => {
  test('every line has one, from the event table; a line may raise its own, written once', () => {
    const { lines, log } = logger();
    log({ event: 'keylog_full', file: 'k', max_bytes: 1 });
    log({ event: 'certificate_expiry', level: 'error', days_left: 1 });
    log({ event: 'access', status: 200 });
    const [a, b, c] = lines.map(parse);
    assert.equal(a!['level'], EVENTS.keylog_full.level);
    assert.equal(a!['level'], 'warning');
    assert.equal(b!['level'], 'error');
    assert.equal((lines[1]!.match(/"level"/g) ?? []).length, 1, 'level appears once');
    assert.deepEqual(Object.keys(b!).slice(0, 3), ['time', 'level', 'event']);
    assert.equal(c!['level'], 'info');
  });

  test('one spelling: every event of the table has debug, info, warning or error', () => {
    for (const [name, spec] of Object.entries(EVENTS))
      assert.ok(['debug', 'info', 'warning', 'error'].includes(spec.level), name);
  });

  test('lines below log.level are not written (nor rendered: no getter is read)', () => {
    const { lines, log } = logger({ level: 'warning' });
    let read = false;
    const event = {
      event: 'access',
      get status() {
        read = true;
        return 200;
      },
    } as unknown as LogEvent;
    log(event);
    log({ event: 'handshake', sni: 'a.test' });
    log({ event: 'certificate_expiry', level: 'info' });
    log({ event: 'keylog_full', file: 'k' });
    log({ event: 'certificate_expiry', level: 'error' });
    assert.equal(read, false);
    assert.deepEqual(
      lines.map((l) => parse(l)['event']),
      ['keylog_full', 'certificate_expiry'],
    );
    const debug = logger({ level: 'debug' });
    debug.log({ event: 'memory_relief', gc_ms: 1 });
    assert.equal(debug.lines.length, 1);
  });

  test('configure changes the level for the next lines', () => {
    const lines: string[] = [];
    const c = createConfigurableLogger((l) => lines.push(l));
    c.log({ event: 'access' });
    c.configure({ ...DEFAULT_LOG_SETTINGS, level: 'error' });
    c.log({ event: 'access' });
    assert.equal(lines.length, 1);
  });
});

describe('offered lists', () => {
  test('failures (default): on handshake_failed lines only; the success line keeps its ja4', () => {
    const { lines, log } = logger();
    log({ event: 'handshake', ja4: 't13d' }, OFFER);
    log({ event: 'handshake_failed', reason: 'no_common_group', ja4: 't13d' }, OFFER);
    const [ok, failed] = lines.map(parse);
    assert.equal(ok!['offered'], undefined);
    assert.equal(ok!['ja4'], 't13d');
    assert.deepEqual(failed!['offered'], { alpn: ['h2'] });
  });

  test('all: on every line; none: on no line', () => {
    const all = logger({ offered: 'all' });
    all.log({ event: 'handshake' }, OFFER);
    assert.deepEqual(parse(all.lines[0]!)['offered'], { alpn: ['h2'] });
    const none = logger({ offered: 'none' });
    none.log({ event: 'handshake_failed' }, OFFER);
    none.log({ event: 'handshake' }, OFFER);
    assert.ok(none.lines.every((l) => parse(l)['offered'] === undefined));
  });

  test('an empty offer (no hello read) adds nothing', () => {
    const { lines, log } = logger({ offered: 'all' });
    log({ event: 'handshake_failed' }, '');
    assert.deepEqual(Object.keys(parse(lines[0]!)), ['time', 'level', 'event']);
  });
});

describe('text format', () => {
  test('an access line reads like a web server log', () => {
    const { lines, log } = logger({ format: 'text' }, { worker: 7 });
    log({
      event: 'access',
      conn_id: '1-3',
      request_id: 'abc',
      client: '[::1]:5123',
      host: 'example.com',
      method: 'GET',
      uri: '/x?y=1',
      status: 200,
      bytes_out: 512,
      user_agent: 'curl/8.0 (x)',
      total_ms: 3.5,
    });
    assert.match(
      lines[0]!,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z info access \[::1\]:5123 GET example\.com \/x\?y=1 200 512B 3\.5ms conn_id=1-3 request_id=abc user_agent="curl\/8\.0 \(x\)" worker=7\n$/,
    );
  });

  test('handshake, failure and other events: one line each, key=value for the rest', () => {
    const { lines, log } = logger({ format: 'text' });
    log({
      event: 'handshake',
      client: '127.0.0.1:1',
      sni: 'a.test',
      version: 'TLS1.3',
      cipher: { iana: 'TLS_AES_128_GCM_SHA256', openssl: 'x' },
      group: 'X25519',
      handshake_ms: 2,
      conn_id: '0-1',
    });
    log(
      {
        event: 'handshake_failed',
        client: '127.0.0.1:2',
        sni: null,
        reason: 'no_common_version',
        detail: 'too old',
      },
      OFFER,
    );
    log({ event: 'started', pid: 5, listeners: [{ port: 1 }] });
    assert.match(
      lines[0]!,
      / info handshake 127\.0\.0\.1:1 a\.test TLS1\.3 TLS_AES_128_GCM_SHA256 X25519 2ms conn_id=0-1\n$/,
    );
    assert.match(
      lines[1]!,
      / info handshake_failed 127\.0\.0\.1:2 - no_common_version: too old offered=\{"alpn":\["h2"\]\}\n$/,
    );
    assert.match(lines[2]!, / info started pid=5 listeners=\[\{"port":1\}\]\n$/);
    assert.ok(
      lines.every((l) => l.split('\n').length === 2),
      'one line each',
    );
  });
});

describe('offered lists of a scanner', () => {
  test('by default, the first 4 failures of a client address per window carry them, the rest say offered_limited', () => {
    const { lines, log } = logger();
    for (let i = 0; i < 7; i++)
      log({ event: 'handshake_failed', client: `[2001:db8::7]:${40000 + i}`, ja4: 't12d' }, OFFER);
    log({ event: 'handshake_failed', client: '[2001:db8::8]:1', ja4: 't12d' }, OFFER);
    const parsed = lines.map(parse);
    assert.deepEqual(
      parsed.map((e) =>
        e['offered'] !== undefined ? 'lists' : e['offered_limited'] === true ? 'limited' : '?',
      ),
      ['lists', 'lists', 'lists', 'lists', 'limited', 'limited', 'limited', 'lists'],
    );
    assert.ok(parsed.every((e) => e['ja4'] === 't12d'));
    const all = logger({ offered: 'all' });
    for (let i = 0; i < 7; i++) all.log({ event: 'handshake_failed', client: `[2001:db8::9]:${i}` }, OFFER);
    assert.ok(
      all.lines.every((l) => parse(l)['offered'] !== undefined),
      'offered: all means all',
    );
  });
});

describe('per-worker duplicates', () => {
  test('a line every worker writes for one fact says how many workers do; others do not', () => {
    const lines: string[] = [];
    const { log } = createConfigurableLogger((l) => lines.push(l), { fields: { worker: 9 }, workers: 4 });
    log({ event: 'certificate_reloaded', serial: '01' });
    log({ event: 'keylog_open', level: 'warning', file: 'k' });
    log({ event: 'access', status: 200 });
    const [a, b, c] = lines.map(parse);
    assert.equal(a!['workers'], 4);
    assert.equal(b!['workers'], 4);
    assert.equal(c!['workers'], undefined);
    const single: string[] = [];
    createConfigurableLogger((l) => single.push(l), { workers: 1 }).log({ event: 'certificate_reloaded' });
    assert.equal(parse(single[0]!)['workers'], undefined, 'one worker: nothing to fold');
  });
});

describe('stdout', () => {
  test('the lines of one event-loop turn reach stdout in one write, whole; flushSync writes what is pending', async () => {
    const writes: string[] = [];
    const original = process.stdout.write;
    // Only our lines: the test runner writes to stdout too.
    process.stdout.write = ((chunk: unknown) =>
      typeof chunk === 'string' && chunk.startsWith('{"time"')
        ? writes.push(chunk) > 0
        : original.call(process.stdout, chunk as string)) as typeof process.stdout.write;
    try {
      const out = createLogOutput();
      out.log({ event: 'access', status: 200 });
      out.log({ event: 'access', status: 201 });
      out.log({ event: 'access', status: 202 });
      assert.equal(writes.length, 0, 'nothing is written in the turn that logs');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(writes.length, 1);
      assert.deepEqual(
        writes[0]!
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).status),
        [200, 201, 202],
      );
      out.log({ event: 'access', status: 203 });
      out.flushSync(); // at exit
      assert.equal(writes.length, 2);
      assert.equal(parse(writes[1]!)['status'], 203);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(writes.length, 2, 'a flushed line is not written twice');
    } finally {
      process.stdout.write = original;
    }
  });
});
