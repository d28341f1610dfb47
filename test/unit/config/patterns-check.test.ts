// check's findings for the termination patterns: re-encryption, passthrough, TLS-to-TCP, mTLS.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigText } from '../../../src/config/index.ts';
import type { Problem } from '../../../src/problems.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
let cert: string;

before(async () => {
  tmp = makeTempDir('patterns-check');
  pki = await makePki(tmp.dir);
  cert = `certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]`;
});
after(() => tmp.cleanup());

const check = (sites: string) =>
  checkConfigText(
    `extra_ca: [${pki.rootPath}]\nlisteners:\n  - address: 127.0.0.1:0\n    sites:\n${sites}`,
    path.join(tmp.dir, 'tlsterm.yaml'),
  );

const at = (problems: readonly Problem[], where: string, re: RegExp): Problem => {
  const p = problems.find((x) => x.path === where && re.test(x.message));
  assert.ok(p, `no problem at ${where} matching ${re}; got ${JSON.stringify(problems, null, 1)}`);
  return p;
};

test('all patterns side by side make one plan', async () => {
  const r = await check(`      - hosts: [edge.example.test]
        ${cert}
        upstream: http://127.0.0.1:3000
      - hosts: [secure.example.test]
        ${cert}
        upstream: { url: "https://10.0.0.7:8443", ca: ${pki.rootPath}, servername: app.internal,
                    client_cert: { cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} } }
      - hosts: [pass.example.test]
        mode: passthrough
        upstream: { url: "tcp://10.0.0.8:443", proxy_protocol: v2 }
      - hosts: [db.example.test]
        ${cert}
        upstream: "tcp://10.0.0.9:5432"
      - hosts: [admin.example.test]
        ${cert}
        client_auth: { mode: required, ca: ${pki.rootPath} }
        upstream: "http://10.0.0.10:3000"
`);
  assert.deepEqual(r.problems, []);
  const [edge, secure, pass, db, admin] = r.plan?.listeners[0]?.sites ?? [];
  assert.equal(edge?.upstream?.kind, 'http');
  assert.ok(secure?.upstream?.kind === 'http' && secure.upstream.tls?.servername === 'app.internal');
  assert.ok(secure?.upstream?.kind === 'http' && secure.upstream.tls?.clientCertificate !== undefined);
  assert.equal(pass?.mode, 'passthrough');
  assert.deepEqual(pass?.certificates, []);
  assert.ok(pass?.upstream?.kind === 'tcp' && pass.upstream.proxyProtocol === 'v2');
  assert.deepEqual(db?.alpn, [], 'a TCP site offers no HTTP ALPN');
  assert.equal(admin?.clientAuth?.mode, 'required');
});

test('insecure_skip_verify is allowed, loudly', async () => {
  const r = await check(`      - hosts: [a.example.test]
        ${cert}
        upstream: { url: "https://10.0.0.7", insecure_skip_verify: true }
`);
  assert.ok(r.plan);
  at(r.problems, 'listeners[0].sites[0].upstream.insecure_skip_verify', /accepts any certificate/);
});

test('options that do not fit the scheme are errors', async () => {
  const r = await check(`      - hosts: [a.example.test]
        ${cert}
        upstream: { url: "http://10.0.0.7", ca: ${pki.rootPath}, proxy_protocol: v1 }
`);
  at(r.problems, 'listeners[0].sites[0].upstream.ca', /applies to https:\/\/ upstreams only/);
  at(r.problems, 'listeners[0].sites[0].upstream.proxy_protocol', /applies to tcp:\/\/ upstreams/);
  const tcp = await check(`      - hosts: [b.example.test]
        ${cert}
        upstream: { url: "tcp://10.0.0.7:5432", via: false }
`);
  at(tcp.problems, 'listeners[0].sites[0].upstream.via', /applies to http:\/\/ and https:\/\/ upstreams/);
});

test('upstream via: false reaches the plan; absent means Via is added', async () => {
  const r = await check(`      - hosts: [a.example.test]
        ${cert}
        upstream: { url: "http://10.0.0.7:3000", via: false }
      - hosts: [b.example.test]
        ${cert}
        upstream: http://10.0.0.7:3000
`);
  assert.deepEqual(r.problems, []);
  const [a, b] = r.plan!.listeners[0]!.sites;
  assert.equal(a!.upstream?.kind === 'http' && a!.upstream.via, false);
  assert.equal(b!.upstream?.kind === 'http' && b!.upstream.via, undefined);
});

test('passthrough: tcp upstream only; certificates are unused; client_auth and handler cannot apply', async () => {
  const r = await check(`      - hosts: [a.example.test]
        mode: passthrough
        ${cert}
        client_auth: { mode: required, ca: ${pki.rootPath} }
        upstream: http://10.0.0.8
`);
  at(r.problems, 'listeners[0].sites[0].certificates', /needs no certificate or key/);
  at(r.problems, 'listeners[0].sites[0].upstream', /upstream is tcp:\/\/host:port, not http:\/\//);
  at(r.problems, 'listeners[0].sites[0].client_auth', /never sees the client certificate/);
});

test('mTLS needs its CA, and the CA file must hold a certificate', async () => {
  const r = await check(`      - hosts: [a.example.test]
        ${cert}
        client_auth: required
        upstream: http://10.0.0.8
      - hosts: [b.example.test]
        ${cert}
        client_auth: { mode: optional, ca: ${pki.chains.ec.keyPath} }
        upstream: http://10.0.0.8
`);
  at(r.problems, 'listeners[0].sites[0].client_auth', /needs the CA that issues client certificates/);
  at(r.problems, 'listeners[0].sites[1].client_auth.ca', /holds no PEM certificate/);
});

test('a broken upstream client certificate is reported where it is configured', async () => {
  const mismatched = await pki.scenario('mismatched-key');
  const r = await check(`      - hosts: [a.example.test]
        ${cert}
        upstream: { url: "https://10.0.0.7", client_cert: { cert: ${mismatched.fullchainPath}, key: ${mismatched.keyPath} } }
`);
  assert.ok(
    r.problems.some(
      (p) => p.path.startsWith('listeners[0].sites[0].upstream.client_cert') && p.severity === 'error',
    ),
    JSON.stringify(r.problems),
  );
});
