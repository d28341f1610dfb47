// check's findings for ACME sites and plain-HTTP listeners. The acme block's own rules are the
// library's (src/certs/acme/settings.ts, one wording); what is on disk in live/<name>/ is never an
// error for an ACME site: serve writes a placeholder and orders what is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeLineageVersion } from '../../../src/certs/acme/lineage.ts';
import { ensurePlaceholderCertificate } from '../../../src/certs/acme/placeholder.ts';
import { checkConfigText } from '../../../src/config/index.ts';
import type { Problem } from '../../../src/problems.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('acme-check');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

const check = (text: string, stateDir = `${tmp.dir}/state`) =>
  checkConfigText(`state_dir: ${stateDir}\n${text}`, path.join(tmp.dir, 'tlsterm.yaml'));
const at = (problems: readonly Problem[], where: string, re: RegExp): Problem => {
  const p = problems.find((x) => x.path === where && re.test(x.message));
  assert.ok(p, `no problem at ${where} matching ${re}; got ${JSON.stringify(problems, null, 1)}`);
  return p;
};
const errors = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'error');

const oneSite = (hosts: string, acme: string, extra = '') => `${extra}listeners:
  - name: http
    address: 127.0.0.1:0
    http: {}
  - address: 127.0.0.1:0
    sites:
      - hosts: ${hosts}
        acme: ${acme}
        upstream: http://127.0.0.1:3000
`;

test('an ACME site with an http listener makes a plan; lineage is the first name; nothing on disk is a warning', async () => {
  const r = await check(`listeners:
  - name: http
    address: 127.0.0.1:0
    http: { redirect_https: true, https_port: 8443 }
  - name: public
    address: 127.0.0.1:0
    sites:
      - hosts: [www.example.test, example.test]
        acme: { directory: "https://127.0.0.1:14000/dir", email: ops@example.test, challenge: http-01 }
        upstream: http://127.0.0.1:3000
`);
  assert.deepEqual(errors(r.problems), []);
  const first = at(
    r.problems,
    'listeners[1].sites[0].acme',
    /no certificate in .*live\/www\.example\.test yet/,
  );
  assert.equal(first.severity, 'warning');
  assert.match(first.message, /serves a self-signed placeholder until then/);
  assert.deepEqual(
    r.plan?.httpListeners.map((l) => [l.name, l.redirectHttps, l.httpsPort]),
    [['http', true, 8443]],
  );
  const site = r.plan?.listeners[0]?.sites[0];
  assert.equal(site?.acme?.lineage, 'www.example.test');
  assert.equal(site?.acme?.challenge, 'http-01');
  assert.deepEqual(site?.certificates, [], 'nothing on disk yet: serve writes a placeholder at start');
});

test("a CA name is accepted as the directory and becomes the CA's URL", async () => {
  const r = await check(oneSite('[le.example.test]', '{ directory: letsencrypt-staging }'));
  assert.deepEqual(errors(r.problems), []);
  assert.equal(
    r.plan?.listeners[0]?.sites[0]?.acme?.directory,
    'https://acme-staging-v02.api.letsencrypt.org/directory',
  );
});

test("ACME mistakes are caught before the first order, in the library's words", async () => {
  const hook = path.join(tmp.dir, 'not-executable.sh');
  fs.writeFileSync(hook, '#!/bin/sh\n', { mode: 0o644 });
  const r = await check(`listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.example.test]
        acme: { directory: "not a url" }
        upstream: http://127.0.0.1:3000
      - hosts: ["*.example.test"]
        acme: { directory: "https://acme.test/dir", challenge: http-01 }
        upstream: http://127.0.0.1:3000
      - hosts: [b.example.test]
        acme: { directory: "https://acme.test/dir", challenge: dns-01 }
        upstream: http://127.0.0.1:3000
      - hosts: [c.example.test]
        acme: { directory: "https://acme.test/dir" }
        certificates: [{ cert: a.pem, key: a.key }]
        upstream: http://127.0.0.1:3000
      - hosts: [d.example.test]
        acme: { directory: letsencrypt, email: ops }
        upstream: http://127.0.0.1:3000
      - hosts: [e.example.test]
        acme: { directory: letsencrypt, challenge: dns-01, dns_hook: ./not-executable.sh }
        upstream: http://127.0.0.1:3000
`);
  at(
    r.problems,
    'listeners[0].sites[0].acme.directory',
    /'not a url' is neither a directory URL nor a known CA/,
  );
  at(
    r.problems,
    'listeners[0].sites[1].acme.challenge',
    /wildcard host '\*\.example\.test' needs challenge dns-01/,
  );
  at(r.problems, 'listeners[0].sites[2].acme.dns_hook', /challenge dns-01 needs a dns_hook/);
  at(r.problems, 'listeners[0].sites[3].certificates', /either certificates or acme/);
  at(r.problems, 'listeners[0].sites[4].acme.email', /'ops' is not an email address/);
  at(r.problems, 'listeners[0].sites[5].acme.dns_hook', /not-executable\.sh is not an executable file/);
  assert.equal(r.plan, undefined);
});

test('http-01 without a port-80 listener is a warning; an http listener takes no sites', async () => {
  const r = await check(`listeners:
  - address: 127.0.0.1:0
    sites:
      - hosts: [a.example.test]
        acme: { directory: "https://acme.test/dir" }
        upstream: http://127.0.0.1:3000
`);
  at(r.problems, 'listeners[0].sites[0].acme', /no listener has http/);
  const bad = await check(`listeners:
  - address: 127.0.0.1:0
    http: {}
    sites: [{ hosts: [a.test], handler: inspect }]
`);
  at(bad.problems, 'listeners[0].sites', /plain-HTTP listener \(http:\) has no sites/);
});

test('two ACME sites whose lineage name is the same but whose hosts differ are refused', async () => {
  const r = await check(`listeners:
  - name: http
    address: 127.0.0.1:0
    http: {}
  - address: 127.0.0.1:0
    sites:
      - hosts: [shop.example.test]
        acme: { directory: "https://acme.test/dir" }
        upstream: http://127.0.0.1:3000
  - address: 127.0.0.2:0
    sites:
      - hosts: [shop.example.test, www.shop.example.test]
        acme: { directory: "https://acme.test/dir" }
        upstream: http://127.0.0.1:3000
`);
  const p = at(r.problems, 'listeners[2].sites[0].acme', /live\/shop\.example\.test\/ with different hosts/);
  assert.equal(p.severity, 'error');
  assert.match(p.message, /listeners\[1\]\.sites\[0\]/);

  const same = await check(`listeners:
  - name: http
    address: 127.0.0.1:0
    http: {}
  - address: 127.0.0.1:0
    sites:
      - hosts: [shop.example.test, www.shop.example.test]
        acme: { directory: "https://acme.test/dir" }
        upstream: http://127.0.0.1:3000
  - address: 127.0.0.2:0
    sites:
      - hosts: [www.shop.example.test, shop.example.test]
        acme: { directory: "https://acme.test/dir" }
        upstream: http://127.0.0.1:3000
`);
  assert.deepEqual(errors(same.problems), [], 'the same hosts share one certificate');
});

test('what live/<name>/ holds is reported, never as an error: placeholder, expired, hosts changed, untrusted chain', async () => {
  const stateDir = path.join(tmp.dir, 'state-disk');
  const write = async (name: string, files: { fullchainPem: string; keyPem: string }) =>
    writeLineageVersion(stateDir, name, files);

  await ensurePlaceholderCertificate(stateDir, 'ph.example.test', ['ph.example.test']);
  const ph = await check(oneSite('[ph.example.test]', '{ directory: letsencrypt }'), stateDir);
  assert.deepEqual(errors(ph.problems), []);
  at(ph.problems, 'listeners[1].sites[0].acme', /holds the self-signed placeholder/);
  assert.equal(ph.plan?.listeners[0]?.sites[0]?.certificates.length, 1, 'the placeholder is in the plan');

  const expired = await pki.scenario('expired', ['old.example.test']);
  await write('old.example.test', expired);
  const old = await check(oneSite('[old.example.test]', '{ directory: letsencrypt }'), stateDir);
  assert.deepEqual(errors(old.problems), []);
  at(old.problems, 'listeners[1].sites[0].acme', /has expired: `tlsterm serve` orders a new one at start/);

  const narrow = await pki.issue(['grow.example.test'], { name: 'grow' });
  await write('grow.example.test', narrow);
  const grown = await check(
    oneSite('[grow.example.test, new.grow.example.test]', '{ directory: letsencrypt }'),
    stateDir,
  );
  assert.deepEqual(errors(grown.problems), []);
  at(grown.problems, 'listeners[1].sites[0].acme', /does not cover every host of the site/);

  // A complete chain from a CA whose root is not in the store serves (the rule of chain-rule.ts)…
  const good = await pki.issue(['ok.example.test'], { name: 'ok' });
  await write('ok.example.test', good);
  const privateCa = await check(oneSite('[ok.example.test]', '{ directory: letsencrypt }'), stateDir);
  assert.deepEqual(errors(privateCa.problems), []);
  assert.equal(privateCa.plan?.listeners[0]?.sites[0]?.certificates[0]?.sans[0], 'ok.example.test');
  // …a leaf without its intermediate does not.
  const leafOnly = await pki.issue(['cut.example.test'], { name: 'cut', layout: 'leaf-only' });
  await write('cut.example.test', leafOnly);
  const untrusted = await check(oneSite('[cut.example.test]', '{ directory: letsencrypt }'), stateDir);
  assert.deepEqual(errors(untrusted.problems), []);
  at(
    untrusted.problems,
    'listeners[1].sites[0].acme',
    /does not pass the checks hot reload makes: missing intermediate/,
  );
  const trusted = await check(
    oneSite('[ok.example.test]', '{ directory: letsencrypt }', `extra_ca: [${pki.rootPath}]\n`),
    stateDir,
  );
  assert.deepEqual(trusted.problems, []);
  assert.equal(trusted.plan?.listeners[0]?.sites[0]?.certificates[0]?.sans[0], 'ok.example.test');
});
