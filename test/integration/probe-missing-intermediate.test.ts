// A server that sends only its leaf (openssl s_server without -cert_chain): the probe names the
// missing intermediate, refuses trust when nothing can finish the chain (grade T), and caps the
// grade at B when the trust store happens to hold the intermediate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { type Running, sClient, startSServer } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let pki: Pki;
let server: Running;

before(async () => {
  tmp = makeTempDir('probe-leaf-only');
  pki = await makePki(tmp.dir);
  const leafOnly = await pki.scenario('leaf-only');
  server = await startSServer(['-cert', leafOnly.certPath, '-key', leafOnly.keyPath, '-www']);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

const INTERMEDIATE = 'CN=tlsterm Test Intermediate CA, O=tlsterm tests';

describe('probe: missing intermediate', () => {
  it('names the intermediate, calls the chain untrusted, grades T with the would-be grade', async () => {
    const r = await probe(`127.0.0.1:${server.port}`, {
      sni: 'example.test',
      ca: pki.rootPem,
      caLabel: 'root.pem',
    });
    assert.equal(r.certificates.length, 1, 'one certificate for every client');
    const chain = r.chain!;
    assert.equal(chain.order, 'as-sent');
    assert.equal(chain.certificates.length, 1);
    assert.equal(chain.certificates[0]!.subject, 'CN=localhost');
    assert.equal(chain.certificates[0]!.issuer, INTERMEDIATE);
    assert.equal(chain.complete, false);
    assert.deepEqual(chain.missing, [INTERMEDIATE]);
    assert.equal(chain.trusted, false);
    assert.equal(
      chain.trust_error,
      `incomplete chain: "${INTERMEDIATE}", the issuer of "CN=localhost", was not sent and is not in the trust store (root.pem)`,
    );
    assert.equal(chain.name_match, true);
    assert.equal(r.grade, 'T');
    assert.ok(r.grade_ignoring_trust !== null && r.grade_ignoring_trust !== 'T');
    assert.ok(r.reasons.some((x) => x.rule === 'untrusted' && x.detail.includes(INTERMEDIATE)));

    // What OpenSSL's own client says about the same chain.
    const out = await sClient(server.port, ['-servername', 'example.test', '-CAfile', pki.rootPath]);
    assert.match(out, /unable to get local issuer certificate/);
    assert.match(out, /Certificate chain\n 0 s:CN = localhost\n {3}i:CN = tlsterm Test Intermediate CA/);
  });

  it('with the intermediate in the trust store: trusted but incomplete, capped at B', async () => {
    const r = await probe(`127.0.0.1:${server.port}`, {
      sni: 'example.test',
      ca: pki.rootPem + pki.intermediatePem,
      http: false,
    });
    assert.equal(r.chain?.trusted, true);
    assert.equal(r.chain?.complete, false);
    assert.deepEqual(r.chain?.missing, [INTERMEDIATE]);
    assert.equal(r.grade, 'B');
    const cap = r.reasons.find((x) => x.rule === 'incomplete_chain');
    assert.equal(cap?.effect, 'cap B');
    assert.match(cap!.detail, /does not send the intermediate CN=tlsterm Test Intermediate CA/);
  });
});
