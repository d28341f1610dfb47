// check's findings for ACME sites and plain-HTTP listeners.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkConfigText } from '../../../src/config/index.ts';
import type { Problem } from '../../../src/config/plan.ts';
import { makeTempDir } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
before(() => {
  tmp = makeTempDir('acme-check');
});
after(() => tmp.cleanup());

const check = (text: string) =>
  checkConfigText(`state_dir: ${tmp.dir}/state\n${text}`, path.join(tmp.dir, 'tlsterm.yaml'));
const at = (problems: readonly Problem[], where: string, re: RegExp): Problem => {
  const p = problems.find((x) => x.path === where && re.test(x.message));
  assert.ok(p, `no problem at ${where} matching ${re}; got ${JSON.stringify(problems, null, 1)}`);
  return p;
};

test('an ACME site with an http listener makes a plan; lineage is the first name', async () => {
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
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.plan?.httpListeners.map((l) => [l.name, l.redirectHttps, l.httpsPort]),
    [['http', true, 8443]],
  );
  const site = r.plan?.listeners[0]?.sites[0];
  assert.equal(site?.acme?.lineage, 'www.example.test');
  assert.equal(site?.acme?.challenge, 'http-01');
  assert.deepEqual(site?.certificates, [], 'nothing on disk yet: a placeholder is served at start');
});

test('ACME mistakes are caught before the first order', async () => {
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
`);
  at(r.problems, 'listeners[0].sites[0].acme.directory', /not an ACME directory URL/);
  at(r.problems, 'listeners[0].sites[1].acme.challenge', /wildcard names can only be validated with dns-01/);
  at(r.problems, 'listeners[0].sites[2].acme', /needs dns_hook/);
  at(r.problems, 'listeners[0].sites[3].certificates', /either certificates or acme/);
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
