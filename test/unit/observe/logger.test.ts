import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createJsonLogger, type LogEvent } from '../../../src/observe/logger.ts';

const parse = (line: string): Record<string, unknown> => {
  assert.ok(line.endsWith('\n'), 'a line ends with a newline');
  return JSON.parse(line) as Record<string, unknown>;
};

describe('createJsonLogger', () => {
  test('one JSON line per call, time first, then the event as given', () => {
    const lines: string[] = [];
    const log = createJsonLogger((l) => lines.push(l));
    log({ event: 'handshake', sni: 'a.test', offered: { alpn: ['h2'] }, skipped: undefined });
    assert.equal(lines.length, 1);
    const e = parse(lines[0]!);
    assert.deepEqual(Object.keys(e), ['time', 'event', 'sni', 'offered']);
    assert.match(String(e['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(String(e['time'])) - Date.now()) < 60_000);
    assert.deepEqual(e['offered'], { alpn: ['h2'] });
  });

  test('an empty event is just the time; fixed fields come right after it', () => {
    const lines: string[] = [];
    createJsonLogger((l) => lines.push(l))({} as LogEvent);
    assert.deepEqual(Object.keys(parse(lines[0]!)), ['time']);
    const tagged: string[] = [];
    const log = createJsonLogger((l) => tagged.push(l), { fields: { worker: 42 } });
    log({} as LogEvent);
    log({ event: 'started', listeners: [] });
    assert.deepEqual(parse(tagged[0]!), { time: parse(tagged[0]!)['time'], worker: 42 });
    assert.deepEqual(Object.keys(parse(tagged[1]!)), ['time', 'worker', 'event', 'listeners']);
  });

  test('text that needs escaping stays valid JSON', () => {
    const lines: string[] = [];
    createJsonLogger((l) => lines.push(l))({
      detail: 'quote " backslash \\ newline \n end',
    } as unknown as LogEvent);
    assert.equal(parse(lines[0]!)['detail'], 'quote " backslash \\ newline \n end');
  });

  test('raw members rendered elsewhere follow the event members, and the line stays one JSON object', () => {
    const lines: string[] = [];
    const log = createJsonLogger((l) => lines.push(l), { fields: { worker: 7 } });
    const offer = `"ja4":"t13d","offered":${JSON.stringify({ alpn: ['h2'] })}`;
    log({ event: 'handshake', sni: 'a.test' }, offer);
    log({} as LogEvent, offer);
    log({ event: 'x' } as unknown as LogEvent, '');
    const e = parse(lines[0]!);
    assert.deepEqual(Object.keys(e), ['time', 'worker', 'event', 'sni', 'ja4', 'offered']);
    assert.deepEqual(e['offered'], { alpn: ['h2'] });
    assert.deepEqual(Object.keys(parse(lines[1]!)), ['time', 'worker', 'ja4', 'offered']);
    assert.deepEqual(Object.keys(parse(lines[2]!)), ['time', 'worker', 'event']);
  });
});
