// docs/learn.md runs as written: its `sh` blocks, in order, in one bash, against a tlsterm on
// loopback; each block must exit 0 and its output must match the `<!-- expect: /re/flags -->`
// notes under it. A command the page shows that stops working fails here.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/net.ts';
import { makeTempDir } from '../helpers/pki.ts';
import { run } from '../helpers/run.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PAGE = readFileSync(path.join(ROOT, 'docs/learn.md'), 'utf8');

interface Step {
  readonly title: string;
  readonly script: string;
  readonly expects: readonly RegExp[];
}

function steps(page: string): Step[] {
  const out: Step[] = [];
  const re = /```sh\n([\s\S]*?)```\n((?:<!-- expect: .*? -->\n)*)/g;
  for (const m of page.matchAll(re)) {
    const before = page.slice(0, m.index);
    const title = [...before.matchAll(/^## (.*)$/gm)].at(-1)?.[1] ?? '(untitled)';
    const expects = [...(m[2] ?? '').matchAll(/<!-- expect: \/(.*)\/([a-z]*) -->/g)].map(
      (e) => new RegExp(e[1] ?? '', e[2]),
    );
    out.push({ title, script: m[1] ?? '', expects });
  }
  return out;
}

const tmp = makeTempDir('learn-tour');
after(() => {
  const pidFile = path.join(tmp.dir, 'tour', 'serve.pid');
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tmp.cleanup();
});

describe('docs/learn.md', () => {
  it('every command on the page runs and shows what the page says', { timeout: 240_000 }, async () => {
    const all = steps(PAGE);
    assert.ok(all.length >= 14, `found ${all.length} sh blocks`);
    const bin = path.join(tmp.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'tlsterm'),
      `#!/bin/sh\nexec "${process.execPath}" "${ROOT}/bin/tlsterm" "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const script = [
      `export PATH="${bin}:${path.dirname(process.execPath)}:$PATH" PORT=${p1} PORT2=${p2} PORT3=${p3}`,
      `cd "${tmp.dir}"`,
      ...all.map((s, i) => `echo "@@${i}@@"\n{\n${s.script}\n} 2>&1\necho "@@rc ${i} $?@@"`),
    ].join('\n');
    const r = await run('bash', ['-c', script], { timeoutMs: 220_000 });
    for (const [i, s] of all.entries()) {
      const start = r.stdout.indexOf(`@@${i}@@\n`);
      const end = r.stdout.indexOf(`@@rc ${i} `);
      assert.ok(
        start >= 0 && end > start,
        `step "${s.title}" did not run to its end:\n${r.all.slice(-3000)}`,
      );
      const out = r.stdout.slice(start + `@@${i}@@\n`.length, end);
      const rc = /@@rc \d+ (\d+)@@/.exec(r.stdout.slice(end))?.[1];
      assert.equal(rc, '0', `step "${s.title}" exited ${rc}:\n${out.slice(-3000)}`);
      for (const e of s.expects) assert.match(out, e, `step "${s.title}"`);
    }
  });
});
