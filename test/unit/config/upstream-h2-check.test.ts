// HTTP/2 to the app in config/upstream-check.ts: h2c://, alpn [h2] on https://, max_streams; a
// fallback list, alpn on http:// and max_streams on HTTP/1.1 are errors with path and line.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { Problem } from '../../../src/problems.ts';
import { formatProblems } from '../../../src/problems.ts';
import { type FixtureDir, lineOf, makeFixtureDir } from './fixture-dir.ts';

let fx: FixtureDir;
before(async () => {
  fx = await makeFixtureDir();
});
after(() => fx.cleanup());

function find(problems: readonly Problem[], where: string, words: RegExp): Problem {
  const hit = problems.find((p) => p.path === where && words.test(p.message));
  assert.ok(
    hit,
    `no problem at ${where} matching ${words}; got:\n${formatProblems(problems, 'config.yaml')}`,
  );
  return hit;
}

/** valid.yaml with the first site's upstream replaced by `upstream`. */
async function withUpstream(upstream: string) {
  const { file, text } = fx.place('valid.yaml', (t) =>
    t.replace(
      'upstream: { url: "http://127.0.0.1:3000", connect_timeout: 2s, response_timeout: 30s }\n',
      `upstream: ${upstream}\n`,
    ),
  );
  return {
    ...(await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } })),
    text,
  };
}

const firstUpstream = (r: Awaited<ReturnType<typeof withUpstream>>) =>
  r.plan?.listeners[0]?.sites[0]?.upstream;

test('h2c:// is HTTP/2 to the app with 100 streams per connection unless max_streams says', async () => {
  const r = await withUpstream('h2c://127.0.0.1:50051');
  assert.deepEqual(r.problems, []);
  const u = firstUpstream(r);
  assert.equal(u?.kind === 'http' && u.h2?.maxStreams, 100);
  const m = await withUpstream('{ url: "h2c://127.0.0.1:50051", max_streams: 8 }');
  const mu = firstUpstream(m);
  assert.equal(mu?.kind === 'http' && mu.h2?.maxStreams, 8);
});

test('alpn: [h2] on https:// is HTTP/2; [http/1.1] or no alpn is HTTP/1.1', async () => {
  const h2 = await withUpstream('{ url: "https://127.0.0.1:8443", alpn: [h2], insecure_skip_verify: true }');
  const u = firstUpstream(h2);
  assert.equal(u?.kind === 'http' && u.h2?.maxStreams, 100);
  const h1 = await withUpstream(
    '{ url: "https://127.0.0.1:8443", alpn: [http/1.1], insecure_skip_verify: true }',
  );
  const u1 = firstUpstream(h1);
  assert.equal(u1?.kind === 'http' && u1.h2, undefined);
});

test('alpn with a fallback list, alpn on http://, max_streams on HTTP/1.1 are refused', async () => {
  const both = await withUpstream(
    '{ url: "https://127.0.0.1:8443", alpn: [h2, http/1.1], insecure_skip_verify: true }',
  );
  const p = find(both.problems, 'listeners[0].sites[0].upstream.alpn', /no fallback/);
  assert.equal(p.line, lineOf(both.text, 'alpn: [h2, http/1.1]'));
  const plain = await withUpstream('{ url: "http://127.0.0.1:3000", alpn: [h2] }');
  find(plain.problems, 'listeners[0].sites[0].upstream.alpn', /https:\/\/ upstreams only/);
  const streams = await withUpstream('{ url: "http://127.0.0.1:3000", max_streams: 10 }');
  find(streams.problems, 'listeners[0].sites[0].upstream.max_streams', /HTTP\/2 upstreams/);
});
