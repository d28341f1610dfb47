// The `tlsterm probe` command as CI uses it: exit status by --fail-under, --json, the readable
// table, and what it says when there is no TLS server to grade (refused port, plain HTTP, a
// server that hangs up).
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ProbeReport } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { type Running, runProbe, startNodeTls } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let tlsServer: Running;
let rootPath: string;
let plain: http.Server;
let plainPort: number;
let hangUp: net.Server;
let hangUpPort: number;
let closedPort: number;

const listen = async (server: net.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
};

before(async () => {
  tmp = makeTempDir('probe-cli');
  const pki = await makePki(tmp.dir);
  rootPath = pki.rootPath;
  // Node's defaults: TLS 1.2 + 1.3, no HSTS → grade A (not A+) when the chain is trusted.
  tlsServer = await startNodeTls({ cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem });
  plain = http.createServer((_req, res) => res.end('hello'));
  plainPort = await listen(plain);
  hangUp = net.createServer((s) => s.destroy());
  hangUpPort = await listen(hangUp);
  const spare = net.createServer();
  closedPort = await listen(spare);
  await new Promise<void>((resolve) => spare.close(() => resolve()));
});

after(async () => {
  await tlsServer?.stop();
  plain?.close();
  hangUp?.close();
  tmp?.cleanup();
});

describe('tlsterm probe CLI', () => {
  it('--fail-under: exit 0 at or above the threshold, 2 below it, with the grade on stderr', async () => {
    const target = `127.0.0.1:${tlsServer.port}`;
    const pass = await runProbe([
      target,
      '--sni',
      'example.test',
      '--ca',
      rootPath,
      '--fail-under',
      'A',
      '--json',
    ]);
    assert.equal(pass.code, 0, pass.stderr);
    const report = JSON.parse(pass.stdout) as ProbeReport;
    assert.equal(report.grade, 'A');
    assert.ok(report.reasons.some((r) => r.rule === 'a_plus'));

    const fail = await runProbe([target, '--sni', 'example.test', '--ca', rootPath, '--fail-under', 'A+']);
    assert.equal(fail.code, 2);
    assert.match(fail.stderr, /grade A is below --fail-under A\+/);
    assert.match(fail.stdout, /^Grade A {3}score \d+\/100$/m);

    // Without --ca the private root is unknown: grade T fails any threshold.
    const untrusted = await runProbe([target, '--sni', 'example.test', '--fail-under', 'F', '--no-http']);
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stdout, /^Grade T \(A if trusted\)/m);
    assert.match(untrusted.stdout, /NOT trusted — unknown CA: "CN=tlsterm Test Root CA, O=tlsterm tests"/);
  });

  it('usage errors exit 1 with a hint', async () => {
    const bad = await runProbe([`127.0.0.1:${tlsServer.port}`, '--fail-under', 'Z']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--fail-under Z is not a grade\nhint: use one of A\+, A, A-, B, C, D, E, F/);
    const none = await runProbe([]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /probe needs one HOST\[:PORT\]/);
    const ca = await runProbe([`127.0.0.1:${tlsServer.port}`, '--ca', `${tmp.dir}/nope.pem`]);
    assert.equal(ca.code, 1);
    assert.match(ca.stderr, /cannot use --ca .*nope\.pem: ENOENT/);
    const help = await runProbe(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fail-under GRADE/);
  });

  it('a refused port is an error, not a grade', async () => {
    const r = await runProbe([`127.0.0.1:${closedPort}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED\\)`));
  });

  it('a plain HTTP port: no TLS handshake, the answer quoted', async () => {
    const r = await runProbe([`127.0.0.1:${plainPort}`, '--json']);
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout) as ProbeReport;
    assert.equal(report.grade, 'F');
    assert.equal(report.failure?.reason, 'not_tls');
    assert.match(
      report.failure!.detail,
      /this port does not speak TLS: the server answered in plain text: "HTTP\/1\.1 400 Bad Request"/,
    );
    assert.equal(report.failure?.attempts.length, 5);
  });

  it('a server that hangs up on every hello', async () => {
    const r = await runProbe([`127.0.0.1:${hangUpPort}`, '--sni', 'a.test', '--fail-under', 'B']);
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /No TLS handshake \(closed\): the server closed every connection without a TLS answer/,
    );
  });
});
