// `check` on fixture configs: one test per problem class, asserting the path, the line and the words
// a user sees.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
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

function find(problems: readonly Problem[], path: string, words: RegExp): Problem {
  const hit = problems.find((p) => p.path === path && words.test(p.message));
  assert.ok(hit, `no problem at ${path} matching ${words}; got:\n${formatProblems(problems, 'config.yaml')}`);
  return hit;
}

async function check(name: string, rewrite?: (t: string) => string) {
  const { file, text } = fx.place(name, rewrite);
  return {
    ...(await checkConfigFile(file, { env: { TLSTERM_STATE_DIR: path.join(fx.dir, 'state') } })),
    text,
    file,
  };
}

test('a valid config yields a plan and no problems', async () => {
  const r = await check('valid.yaml');
  assert.deepEqual(r.problems, []);
  const plan = r.plan;
  assert.ok(plan);
  assert.equal(plan.stateDir, path.join(fx.dir, 'state'));
  assert.equal(plan.source, r.file);
  const [listener] = plan.listeners;
  assert.equal(listener?.name, 'public');
  assert.equal(listener?.host, '127.0.0.1');
  assert.equal(listener?.port, 0);
  assert.equal(listener?.handshakeTimeoutMs, 5000);
  assert.deepEqual(listener?.policy.groups, ['X25519MLKEM768', 'X25519', 'P-256']);
  const [web, local] = listener?.sites ?? [];
  assert.equal(web?.id, 'listeners[0].sites[0]');
  assert.deepEqual(web?.hosts, ['example.test', '*.example.test']);
  assert.equal(web?.isDefault, true);
  assert.deepEqual(
    web?.certificates.map((c) => c.keyType),
    ['ec', 'rsa'],
  );
  assert.equal(web?.upstream?.url.href, 'http://127.0.0.1:3000/');
  assert.equal(web?.upstream?.connectTimeoutMs, 2000);
  assert.equal(web?.upstream?.kind === 'http' && web.upstream.responseTimeoutMs, 30000);
  assert.deepEqual(web?.alpn, ['http/1.1']);
  assert.equal(local?.isDefault, false);
  assert.deepEqual(local?.handler, { kind: 'inspect' });
  assert.deepEqual(local?.alpn, ['h2', 'http/1.1']);
  assert.equal(local?.policy.minVersion, 'TLS1.3');
  assert.deepEqual(local?.policy.ciphers12, []);
  assert.equal(local?.certificates[0]?.certPath, path.join(fx.dir, 'pki', 'ec', 'fullchain.pem'));
});

test('YAML syntax errors carry their line', async () => {
  const r = await check('yaml-syntax.yaml');
  assert.equal(r.plan, undefined);
  const [e] = r.problems;
  assert.equal(e?.severity, 'error');
  assert.match(e?.message ?? '', /^YAML: /);
  assert.ok(e?.line !== undefined && e.line >= lineOf(r.text, 'hosts: [example.test'), `line ${e?.line}`);
});

test('schema: unknown keys suggest the closest known key', async () => {
  const r = await check('schema-errors.yaml');
  const adress = find(r.problems, 'listeners[0].adress', /unknown key 'adress'; did you mean 'address'\?/);
  assert.equal(adress.line, lineOf(r.text, 'adress:'));
  assert.match(adress.hint, /keys allowed here: name, address, tls/);
  const kee = find(
    r.problems,
    'listeners[0].sites[0].certificates[0].kee',
    /unknown key 'kee'; did you mean 'key'\?/,
  );
  assert.equal(kee.line, lineOf(r.text, 'kee:'));
  // the "missing address/key" twins of those typos are not repeated
  assert.equal(
    r.problems.some((p) => /missing required key/.test(p.message)),
    false,
  );
});

test('schema: wrong types and bad durations', async () => {
  const r = await check('schema-errors.yaml');
  const sni = find(r.problems, 'listeners[0].strict_sni', /strict_sni is true or false/);
  assert.equal(sni.line, lineOf(r.text, 'strict_sni'));
  const timeout = find(r.problems, 'listeners[0].handshake_timeout', /'10 seconds' is not a duration/);
  assert.equal(timeout.line, lineOf(r.text, 'handshake_timeout'));
});

test('schema: a missing required key points at its parent', async () => {
  const r = await check('valid.yaml', (t) => t.replace('    address: 127.0.0.1:0\n', ''));
  const e = find(r.problems, 'listeners[0]', /missing required key 'address'/);
  assert.equal(e.line, lineOf(r.text, '- name: public'));
});

test('at most one default site per listener', async () => {
  const r = await check('sites.yaml');
  const e = find(
    r.problems,
    'listeners[0].sites[1].default',
    /a second default site: listeners\[0\]\.sites\[0\] is already the default/,
  );
  assert.equal(e.line, lineOf(r.text, 'default: true', 2));
});

test('a host may belong to one site per listener', async () => {
  const r = await check('sites.yaml');
  const e = find(
    r.problems,
    'listeners[0].sites[1].hosts[0]',
    /host 'www\.example\.test' is already served by listeners\[0\]\.sites\[0\]/,
  );
  assert.equal(e.line, lineOf(r.text, '- hosts: [www.example.test]'));
});

test('a site has upstream xor handler', async () => {
  const r = await check('sites.yaml');
  const both = find(r.problems, 'listeners[0].sites[1]', /has both upstream and handler/);
  assert.equal(both.line, lineOf(r.text, '- hosts: [www.example.test]'));
  const neither = find(r.problems, 'listeners[0].sites[2]', /has neither upstream nor handler/);
  assert.equal(neither.line, lineOf(r.text, '- hosts: [api.example.test]'));
});

test('an upstream scheme other than http, https and tcp is refused', async () => {
  const r = await check('sites.yaml');
  const e = find(r.problems, 'listeners[0].sites[3].upstream', /unsupported upstream scheme ftp:\/\//);
  assert.equal(e.line, lineOf(r.text, 'upstream: ftp://'));
});

test('a site without certificates', async () => {
  const r = await check('sites.yaml');
  const e = find(r.problems, 'listeners[0].sites[4]', /the site has no certificates/);
  assert.equal(e.line, lineOf(r.text, '- hosts: [bare.example.test]'));
});

test('every host must be covered by a certificate; the error names host and SANs', async () => {
  const r = await check('sites.yaml');
  const other = find(
    r.problems,
    'listeners[0].sites[5].hosts[0]',
    /host 'other\.test' is not covered by the site's certificate \(they name: localhost, 127\.0\.0\.1, ::1, example\.test, \*\.example\.test\)/,
  );
  assert.equal(other.line, lineOf(r.text, '- hosts: [other.test'));
  const ip = find(r.problems, 'listeners[0].sites[5].hosts[1]', /host '10\.0\.0\.1' is not covered/);
  assert.match(ip.hint, /IP SAN/);
  const wildcard = find(
    r.problems,
    'listeners[0].sites[5].hosts[2]',
    /host '\*\.sub\.example\.test' is not covered/,
  );
  assert.match(wildcard.hint, /needs the SAN \*\.sub\.example\.test itself/);
  // the covered names of the other sites raise nothing
  assert.equal(
    r.problems.some((p) => p.path.startsWith('listeners[0].sites[0].hosts')),
    false,
  );
});

test('listener addresses must be unique (":port" clashes with any host on that port)', async () => {
  const r = await check('listeners.yaml');
  const e = find(r.problems, 'listeners[1].address', /address :8443 is already used by listeners\[0\]/);
  assert.equal(e.line, lineOf(r.text, 'address: :8443'));
});

test('keylog is a loud warning', async () => {
  const r = await check('listeners.yaml');
  const w = find(
    r.problems,
    'keylog',
    /keylog is on: the TLS secrets of every connection are written to .*keys\.log/,
  );
  assert.equal(w.severity, 'warning');
  assert.equal(w.line, lineOf(r.text, 'keylog:'));
});

test('policy: min_version above max_version', async () => {
  const r = await check('policy.yaml');
  const e = find(
    r.problems,
    'listeners[0].tls.min_version',
    /min_version TLS1\.3 is above max_version TLS1\.2/,
  );
  assert.equal(e.line, lineOf(r.text, 'tls: { min_version: TLS1.3, max_version: TLS1.2 }'));
});

test('policy: TLS1.3-only with only TLS 1.2 suites', async () => {
  const r = await check('policy.yaml');
  const e = find(
    r.problems,
    'listeners[1].tls.ciphers',
    /min_version is TLS1\.3, but every cipher suite listed is a TLS 1\.2 suite/,
  );
  assert.equal(e.line, lineOf(r.text, 'ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA'));
});

test('policy: only hybrid post-quantum groups with max TLS1.2', async () => {
  const r = await check('policy.yaml');
  const e = find(
    r.problems,
    'listeners[2].tls.groups',
    /every group listed is unusable with TLS 1\.2 ECDHE \(X25519MLKEM768, SecP256r1MLKEM768 are TLS 1\.3-only/,
  );
  assert.equal(e.line, lineOf(r.text, 'groups: [X25519MLKEM768, SecP256r1MLKEM768]'));
});

test('policy: unknown cipher and group names, with suggestions', async () => {
  const r = await check('policy.yaml');
  const c = find(
    r.problems,
    'listeners[3].tls.ciphers[0]',
    /unknown cipher suite 'ECDHE-RSA-AES128-GCM-SHA265'; did you mean 'ECDHE-RSA-AES128-GCM-SHA256'/,
  );
  assert.equal(c.line, lineOf(r.text, 'ECDHE-RSA-AES128-GCM-SHA265'));
  const g = find(r.problems, 'listeners[3].tls.groups[1]', /unknown group 'P256'; did you mean 'P-256'\?/);
  assert.equal(g.line, lineOf(r.text, 'groups: [x25519, P256]'));
});

test('policy against certificates: ECDSA certificate, RSA-only TLS 1.2 suites, max TLS1.2', async () => {
  const r = await check('policy.yaml');
  const e = find(
    r.problems,
    'listeners[4].tls',
    /the certificates are ECDSA, but every TLS 1\.2 suite needs RSA authentication: nothing can be negotiated/,
  );
  assert.equal(e.line, lineOf(r.text, 'address: 127.0.0.1:8445') + 1);
});

test('policy: a site cannot widen its listener', async () => {
  const r = await check('policy.yaml');
  const e = find(
    r.problems,
    'listeners[5].sites[0].tls.profile',
    /min_version TLS1\.2 is below the listener's TLS1\.3/,
  );
  assert.equal(e.line, lineOf(r.text, 'tls: { profile: intermediate }'));
});

// --- certificates through check: one test per problem class

const scenarioCases: readonly {
  scenario: string;
  severity: Problem['severity'];
  field: 'cert' | 'key';
  words: RegExp;
}[] = [
  {
    scenario: 'mismatched-key',
    severity: 'error',
    field: 'key',
    words: /private key does not match certificate CN=example\.test/,
  },
  { scenario: 'out-of-order', severity: 'error', field: 'cert', words: /chain is out of order/ },
  {
    scenario: 'leaf-only',
    severity: 'error',
    field: 'cert',
    words: /missing intermediate: .* issued by CN=tlsterm Test Intermediate CA/,
  },
  {
    scenario: 'with-root',
    severity: 'warning',
    field: 'cert',
    words: /the chain includes the root certificate/,
  },
  { scenario: 'expired', severity: 'error', field: 'cert', words: /expired on \d{4}-\d\d-\d\d/ },
  { scenario: 'not-yet-valid', severity: 'error', field: 'cert', words: /is not valid yet/ },
  { scenario: 'expiring-soon', severity: 'warning', field: 'cert', words: /expires in 5 days/ },
  { scenario: 'rsa-1024', severity: 'error', field: 'cert', words: /weak RSA key of 1024 bits/ },
  { scenario: 'sha1', severity: 'warning', field: 'cert', words: /signed with ecdsa-with-SHA1/ },
];

for (const c of scenarioCases) {
  test(`certificate: ${c.scenario}`, async () => {
    await fx.pki.scenario(c.scenario as Parameters<typeof fx.pki.scenario>[0], ['example.test']);
    const r = await check('certificate.yaml', (t) => t.replaceAll('SCENARIO', c.scenario));
    const p = find(r.problems, `listeners[0].sites[0].certificates[0].${c.field}`, c.words);
    assert.equal(p.severity, c.severity);
    assert.equal(p.line, lineOf(r.text, `${c.field}: pki/`));
    assert.equal(r.plan === undefined, c.severity === 'error');
  });
}

test('certificate: unreadable file', async () => {
  const r = await check('certificate.yaml', (t) => t.replaceAll('SCENARIO', 'does-not-exist'));
  const p = find(
    r.problems,
    'listeners[0].sites[0].certificates[0].cert',
    /cannot read certificate .*does-not-exist\/fullchain\.pem: file not found/,
  );
  assert.equal(p.line, lineOf(r.text, 'cert: pki/'));
  find(r.problems, 'listeners[0].sites[0].certificates[0].key', /cannot read private key/);
});

test('certificate: not PEM', async () => {
  const dir = path.join(fx.pki.dir, 'der');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'fullchain.pem'), new crypto.X509Certificate(fx.pki.chains.ec.certPem).raw);
  fs.copyFileSync(fx.pki.chains.ec.keyPath, path.join(dir, 'privkey.pem'));
  const r = await check('certificate.yaml', (t) => t.replaceAll('SCENARIO', 'der'));
  const p = find(r.problems, 'listeners[0].sites[0].certificates[0].cert', /is not a PEM certificate file/);
  assert.equal(p.line, lineOf(r.text, 'cert: pki/'));
});

test('certificate: encrypted key', async () => {
  const dir = path.join(fx.pki.dir, 'encrypted');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(fx.pki.chains.ec.fullchainPath, path.join(dir, 'fullchain.pem'));
  const encrypted = crypto
    .createPrivateKey(fx.pki.chains.ec.keyPem)
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' });
  fs.writeFileSync(path.join(dir, 'privkey.pem'), encrypted, { mode: 0o600 });
  const r = await check('certificate.yaml', (t) => t.replaceAll('SCENARIO', 'encrypted'));
  const p = find(
    r.problems,
    'listeners[0].sites[0].certificates[0].key',
    /is encrypted \(passphrase-protected\)/,
  );
  assert.equal(p.line, lineOf(r.text, 'key: pki/'));
});

test('an unreadable config file is one problem, not an exception', async () => {
  const r = await checkConfigFile(path.join(fx.dir, 'nope.yaml'));
  assert.equal(r.plan, undefined);
  assert.match(r.problems[0]?.message ?? '', /cannot read config .*nope\.yaml: file not found/);
});

test('an empty config says so', async () => {
  const file = path.join(fx.dir, 'empty.yaml');
  fs.writeFileSync(file, '# nothing\n');
  const r = await checkConfigFile(file);
  assert.match(r.problems[0]?.message ?? '', /the config is empty/);
});

test('formatProblems output for a failing fixture reads like a compiler', async () => {
  const r = await check('listeners.yaml');
  const out = formatProblems(r.problems, 'listeners.yaml');
  assert.match(out, /^listeners\.yaml:3 {2}keylog {2}warning: keylog is on/m);
  assert.match(
    out,
    /^listeners\.yaml:10 {2}listeners\[1\]\.address {2}error: address :8443 is already used/m,
  );
  assert.match(out, /^ {4}hint: /m);
  assert.match(out, /1 error, 1 warning\n$/);
});
