// `ocsp:` in check: a must-staple certificate that cannot be stapled is an error, one without a
// cached response yet a warning; a responder must be an http(s) URL; a site with several
// certificates is told it gets no staple.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigFile } from '../../../src/config/check.ts';
import type { Problem } from '../../../src/problems.ts';
import { type ChainFiles, makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let stapleNoAia: ChainFiles;
let stapleAia: ChainFiles;
let plainAia: ChainFiles;

before(async () => {
  tmp = makeTempDir('ocsp-check');
  pki = await makePki(tmp.dir);
  stapleNoAia = await pki.issue(['a.test'], { name: 'staple-no-aia', mustStaple: true });
  stapleAia = await pki.issue(['a.test'], {
    name: 'staple-aia',
    mustStaple: true,
    ocspUrl: 'http://127.0.0.1:9/',
  });
  plainAia = await pki.issue(['a.test'], {
    name: 'plain-aia',
    keyType: 'rsa',
    ocspUrl: 'http://127.0.0.1:9/',
  });
});
after(() => tmp.cleanup());

const site = (chains: readonly ChainFiles[], ocsp = ''): string => `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.test]
        certificates: [${chains.map((c) => `{ cert: ${c.fullchainPath}, key: ${c.keyPath} }`).join(', ')}]
        handler: inspect
${ocsp === '' ? '' : `        ocsp: ${ocsp}\n`}`;

let n = 0;
const check = async (yaml: string) => {
  const file = path.join(tmp.dir, `c${n++}.yaml`);
  fs.writeFileSync(file, yaml);
  return checkConfigFile(file);
};
const at = (problems: readonly Problem[], where: string, words: RegExp): Problem | undefined =>
  problems.find((p) => p.path === where && words.test(p.message));
const CERT = 'listeners[0].sites[0].certificates[0]';

test('must-staple without a responder (no AIA, no ocsp.responder) is an error', async () => {
  const r = await check(site([stapleNoAia]));
  const p = at(r.problems, CERT, /must-staple .* cannot be stapled: it names no OCSP responder/);
  assert.equal(p?.severity, 'error', JSON.stringify(r.problems));
  assert.equal(r.plan, undefined);
});

test('must-staple with ocsp: false is an error; a configured responder makes it possible', async () => {
  const off = await check(site([stapleAia], 'false'));
  assert.equal(at(off.problems, CERT, /cannot be stapled: ocsp is disabled/)?.severity, 'error');
  const configured = await check(site([stapleNoAia], '{ responder: "http://127.0.0.1:9/" }'));
  assert.equal(at(configured.problems, CERT, /cannot be stapled/), undefined);
  assert.equal(configured.plan?.listeners[0]?.sites[0]?.ocsp?.responder, 'http://127.0.0.1:9/');
});

test('must-staple with a responder but no cached response yet is a warning; with one, nothing', async () => {
  const r = await check(site([stapleAia]));
  const p = at(r.problems, CERT, /without a cached OCSP response yet/);
  assert.equal(p?.severity, 'warning', JSON.stringify(r.problems));
  assert.ok(r.plan);
  const der = new crypto.X509Certificate(stapleAia.certPem).raw;
  const fingerprint = crypto.createHash('sha256').update(der).digest('hex');
  fs.mkdirSync(path.join(tmp.dir, 'state', 'ocsp'), { recursive: true });
  fs.writeFileSync(path.join(tmp.dir, 'state', 'ocsp', `${fingerprint}.der`), Uint8Array.of(0x30, 0));
  const cached = await check(site([stapleAia]));
  assert.deepEqual(
    cached.problems.filter((q) => q.path.startsWith('listeners[0].sites[0]')),
    [],
  );
});

test('a responder that is not an http(s) URL is an error; a site with two certificates staples nothing', async () => {
  const bad = await check(site([plainAia], '{ responder: "ldap://x" }'));
  assert.equal(at(bad.problems, 'listeners[0].sites[0].ocsp.responder', /not an http/)?.severity, 'error');
  const ecAia = await pki.issue(['a.test'], { name: 'ec-aia', ocspUrl: 'http://127.0.0.1:9/' });
  const two = await check(site([ecAia, plainAia]));
  assert.equal(
    at(two.problems, CERT, /no OCSP stapling: the site has several certificates/)?.severity,
    'warning',
  );
  const mustTwo = await check(site([stapleAia, plainAia]));
  assert.equal(at(mustTwo.problems, CERT, /must-staple .* several certificates/)?.severity, 'error');
});
