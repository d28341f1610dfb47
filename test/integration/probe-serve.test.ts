// `tlsterm probe` (the CLI, --json) against `tlsterm serve` itself: the findings must match the
// listener's configured policy (intermediate profile, groups, ECDSA + RSA certificates), and a
// strict-SNI listener asked for an unknown name must be explained as such.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProbeReport } from '../../src/probe/index.ts';
import { PROFILES } from '../../src/tls/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { runProbe } from './probe-harness.ts';
import { configHead, type ServeProcess, startServe } from './serve-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let serve: ServeProcess;
let strict: ServeProcess;
let rootPath: string;

before(async () => {
  tmp = makeTempDir('probe-serve');
  const pki = await makePki(tmp.dir);
  rootPath = pki.rootPath;
  const certs = `
        certificates:
          - { cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }
          - { cert: ${pki.chains.rsa.fullchainPath}, key: ${pki.chains.rsa.keyPath} }`;
  serve = await startServe(
    tmp.dir,
    `${configHead(tmp.dir, rootPath)}  - name: public
    address: 127.0.0.1:0
    tls: { profile: intermediate }
    sites:
      - hosts: [example.test]
        handler: inspect${certs}
`,
  );
  const strictDir = `${tmp.dir}/strict`;
  (await import('node:fs')).mkdirSync(strictDir);
  strict = await startServe(
    strictDir,
    `state_dir: ${tmp.dir}/state2
extra_ca: [${rootPath}]
listeners:
  - name: strict
    address: 127.0.0.1:0
    tls: { profile: modern }
    strict_sni: true
    sites:
      - hosts: [example.test]
        handler: inspect${certs}
`,
  );
});

after(async () => {
  await serve?.stop();
  await strict?.stop();
  tmp?.cleanup();
});

describe('tlsterm probe against tlsterm serve', () => {
  it('reports the intermediate profile, its groups, both certificates, and grades it', async () => {
    const res = await runProbe([
      `127.0.0.1:${serve.port}`,
      '--sni',
      'example.test',
      '--ca',
      rootPath,
      '--json',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const r = JSON.parse(res.stdout) as ProbeReport;
    assert.equal(r.target, `127.0.0.1:${serve.port}`);
    assert.equal(r.sni, 'example.test');
    assert.deepEqual(r.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': true,
      'TLS1.3': true,
    });
    assert.equal(r.server_order.state, 'yes');
    assert.deepEqual(
      r.suites['TLS1.2']?.map((s) => s.openssl),
      PROFILES.intermediate.ciphers12,
    );
    assert.equal(r.dh_bits, 2048, "dhparam 'auto' sized to the RSA 2048 key");
    assert.deepEqual(
      new Set(r.suites['TLS1.3']?.map((s) => s.iana)),
      new Set(PROFILES.intermediate.ciphers13),
    );
    assert.deepEqual(
      r.groups.map((g) => [g.name, g.tls13, g.tls12]),
      [
        ['P-256', true, true],
        ['P-384', true, true],
        ['X25519', true, true],
        ['X25519MLKEM768', true, false],
      ],
    );
    // One flat group list (no OpenSSL 3.5 tuples): a client sending only an X25519 share gets X25519
    // at once rather than a HelloRetryRequest for the hybrid.
    assert.ok(r.groups.every((g) => g.hrr === false));
    assert.deepEqual(r.typical_client, {
      key_shares: ['X25519MLKEM768', 'X25519'],
      group: 'X25519MLKEM768',
      hrr: false,
    });
    assert.deepEqual(
      r.certificates.map((c) => c.key),
      ['EC P-256', 'RSA 2048'],
    );
    assert.ok(r.certificates.every((c) => c.chain.trusted && c.chain.complete && c.chain.name_match));
    assert.equal(r.fallback_scsv.state, 'yes');
    assert.equal(r.secure_renegotiation.state, 'yes');
    assert.equal(r.compression.state, 'no');
    assert.ok(r.hsts.state !== 'not_tested');
    assert.equal(r.hsts.status, 200, 'the inspect page answers GET /');
    assert.ok(['A', 'A+'].includes(r.grade), r.grade);
    assert.ok(r.connections > 50);
  });

  it('explains a strict-SNI refusal: every offer with the unknown name, and without SNI, gets unrecognized_name', async () => {
    const res = await runProbe([
      `127.0.0.1:${strict.port}`,
      '--sni',
      'unknown.test',
      '--ca',
      rootPath,
      '--fail-under',
      'E',
    ]);
    assert.equal(res.code, 2, 'grade F is below E');
    assert.match(res.stderr, /grade F is below --fail-under E/);
    assert.match(res.stdout, /Grade F/);
    assert.match(
      res.stdout,
      /No TLS handshake \(unknown_sni\): the server refuses the name "unknown\.test" \(alert unrecognized_name\) and fails without SNI too/,
    );
    assert.match(
      res.stdout,
      /TLS1\.3 with SNI unknown\.test \(5 suites, every group and signature algorithm\) +alert unrecognized_name/,
    );
    assert.match(
      res.stdout,
      /TLS1\.3 without SNI \(5 suites, every group and signature algorithm\) +alert unrecognized_name/,
    );
    // The same listener is fine for the name it serves.
    const ok = await runProbe([
      `127.0.0.1:${strict.port}`,
      '--sni',
      'example.test',
      '--ca',
      rootPath,
      '--json',
      '--no-http',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const r = JSON.parse(ok.stdout) as ProbeReport;
    assert.deepEqual(r.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': false,
      'TLS1.3': true,
    });
    assert.deepEqual(r.hsts, { state: 'not_tested', why: '--no-http: GET / was not sent' });
  });
});
