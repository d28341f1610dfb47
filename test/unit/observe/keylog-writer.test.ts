import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { openKeyLogWriter } from '../../../src/observe/keylog-writer.ts';
import { makeTempDir } from '../../helpers/pki.ts';

const tmp = makeTempDir('keylog-writer');
after(() => tmp.cleanup());

const line = (n: number) =>
  Buffer.from(`CLIENT_RANDOM ${n.toString(16).padStart(64, '0')} ${'ab'.repeat(48)}\n`);
const settle = () => new Promise((r) => setTimeout(r, 50));

test('0600, appended, loud at open; an existing looser file is made 0600', async () => {
  const file = path.join(tmp.dir, 'keys.log');
  fs.writeFileSync(file, 'old\n', { mode: 0o644 });
  const events: Record<string, unknown>[] = [];
  const w = openKeyLogWriter({ file, maxBytes: 1 << 20 }, (e) => events.push(e));
  assert.ok(w);
  w.write(line(1));
  w.write(line(2));
  w.close();
  await settle();
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readFileSync(file, 'utf8').split('\n').slice(0, 1), ['old']);
  assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 4);
  assert.equal(events[0]?.['event'], 'keylog_open');
  assert.equal(events[0]?.['level'], 'warning');
});

test('stops at max_bytes with one keylog_full line; an unopenable file is logged, not thrown', async () => {
  const file = path.join(tmp.dir, 'capped.log');
  const events: Record<string, unknown>[] = [];
  const w = openKeyLogWriter({ file, maxBytes: 4096 }, (e) => events.push(e));
  for (let i = 0; i < 100; i++) w?.write(line(i));
  w?.close();
  await settle();
  const size = fs.statSync(file).size;
  assert.ok(size <= 4096 && size > 4096 - line(0).length, `size ${size}`);
  assert.equal(events.filter((e) => e['event'] === 'keylog_full').length, 1);
  const failed: Record<string, unknown>[] = [];
  assert.equal(
    openKeyLogWriter({ file: path.join(tmp.dir, 'no/such/dir/k.log'), maxBytes: 4096 }, (e) =>
      failed.push(e),
    ),
    undefined,
  );
  assert.equal(failed[0]?.['event'], 'keylog_failed');
  assert.equal(failed[0]?.['error'], 'ENOENT');
});
