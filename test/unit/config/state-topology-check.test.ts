// `state:` with sentinels (and the master's name) or cluster nodes: the topology the plan holds, the
// cluster's hash-tagged prefix, and the Problems for what cannot work.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigText } from '../../../src/config/index.ts';
import type { Problem } from '../../../src/problems.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('topology-check');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

const check = (state: string) =>
  checkConfigText(
    `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
state: ${state}
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`,
    path.join(tmp.dir, 'tlsterm.yaml'),
  );

const at = (problems: readonly Problem[], where: string, words: RegExp) =>
  problems.find((p) => p.path === where && words.test(p.message));

test('sentinels and a name: the plan holds the topology; url is optional', async () => {
  const r = await check('{ backend: redis, sentinels: ["127.0.0.1:26379", "[::1]:26380"], name: mymaster }');
  assert.deepEqual(
    r.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const state = r.plan?.state;
  assert.equal(state?.backend, 'redis');
  assert.deepEqual(state?.backend === 'redis' ? state.topology : undefined, {
    kind: 'sentinel',
    sentinels: [
      { host: '127.0.0.1', port: 26379 },
      { host: '::1', port: 26380 },
    ],
    name: 'mymaster',
  });
});

test('a cluster: its nodes, and the prefix as a hash tag', async () => {
  const r = await check('{ backend: redis, cluster: ["127.0.0.1:7000", "127.0.0.1:7001"], prefix: "edge:" }');
  const state = r.plan?.state;
  assert.ok(state?.backend === 'redis');
  assert.equal(state.topology?.kind, 'cluster');
  assert.equal(state.prefix, '{edge:}');
  const tagged = await check('{ backend: redis, cluster: ["127.0.0.1:7000"], prefix: "{edge}:" }');
  assert.equal(tagged.plan?.state.backend === 'redis' ? tagged.plan.state.prefix : undefined, '{edge}:');
});

test('what cannot work is an error: no name, a name alone, both kinds, a bad address', async () => {
  const noName = await check('{ backend: redis, sentinels: ["127.0.0.1:26379"] }');
  assert.equal(at(noName.problems, 'state.sentinels', /need the name/)?.severity, 'error');
  const nameOnly = await check('{ backend: redis, url: "redis://127.0.0.1:6379", name: mymaster }');
  assert.equal(at(nameOnly.problems, 'state.name', /sentinels, which are not set/)?.severity, 'error');
  const both = await check(
    '{ backend: redis, sentinels: ["127.0.0.1:1"], name: m, cluster: ["127.0.0.1:2"] }',
  );
  assert.equal(at(both.problems, 'state', /both sentinels and cluster/)?.severity, 'error');
  const bad = await check('{ backend: redis, cluster: ["127.0.0.1", "x:99999"] }');
  assert.equal(at(bad.problems, 'state.cluster[0]', /not host:port/)?.severity, 'error');
  assert.equal(at(bad.problems, 'state.cluster[1]', /not host:port/)?.severity, 'error');
  const remote = await check('{ backend: redis, sentinels: ["10.0.0.5:26379"], name: m }');
  assert.equal(at(remote.problems, 'state', /go to 10\.0\.0\.5 unencrypted/)?.severity, 'warning');
});
