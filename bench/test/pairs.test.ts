// bench/pairs.ts: what a SERVER argument may say, and its usage when it says something else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../lib/tlsterm-config.ts';
import { parseServer } from '../pairs.ts';

describe('bench/pairs.ts', () => {
  it('reads NAME, NAME@TREE, NAME:LEVEL and NAME@TREE:LEVEL', () => {
    assert.deepEqual(parseServer('node-proxy'), { ok: true, name: 'node-proxy' });
    assert.deepEqual(parseServer('tlsterm-1p@/tmp/before'), {
      ok: true,
      name: 'tlsterm-1p',
      tree: '/tmp/before',
    });
    assert.deepEqual(parseServer('tlsterm:warning'), { ok: true, name: 'tlsterm', level: 'warning' });
    assert.deepEqual(parseServer('tlsterm-1p@/tmp/b:info'), {
      ok: true,
      name: 'tlsterm-1p',
      tree: '/tmp/b',
      level: 'info',
    });
  });

  it('refuses a level tlsterm does not have, and a tree or level on a server that is not tlsterm', () => {
    const warn = parseServer('tlsterm:warn');
    assert.equal(warn.ok, false);
    assert.match(warn.ok ? '' : warn.error, /debug, info, warning, error/);
    const nginx = parseServer('nginx:warning');
    assert.equal(nginx.ok, false);
    assert.match(nginx.ok ? '' : nginx.error, /for tlsterm and tlsterm-1p/);
    assert.equal(parseServer('nginx@/tmp/x').ok, false);
    assert.equal(parseServer('Tlsterm').ok, false);
  });

  it('prints its usage and exits 2 without a load or with an unknown one', () => {
    for (const args of [[], ['resumed', 'nginx'], ['keepalive']]) {
      const r = spawnSync(process.execPath, [join(repoRoot, 'bench', 'pairs.ts'), ...args], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /usage: node bench\/pairs\.ts LOAD SERVER/);
    }
    const bad = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench', 'pairs.ts'), 'keepalive', 'nginx:warning'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /pairs: nginx: @TREE and :LEVEL are for tlsterm/);
    const rounds = spawnSync(process.execPath, [join(repoRoot, 'bench', 'pairs.ts'), 'keepalive', 'nginx'], {
      encoding: 'utf8',
      env: { ...process.env, PAIRS_ROUNDS: 'many' },
    });
    assert.equal(rounds.status, 2);
    assert.match(rounds.stderr, /pairs: PAIRS_ROUNDS must be a positive integer, got many/);
  });
});
