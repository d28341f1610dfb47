// Key-exchange groups and HelloRetryRequest: a server accepting only P-384 (openssl s_server
// -groups P-384), which makes every X25519-first client retry, and a Node server accepting only
// X25519MLKEM768, which an X25519-only client reaches only after a HelloRetryRequest while a
// client sending the hybrid share gets it at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { type Running, sClient, startNodeTls, startSServer } from './probe-harness.ts';

let tmp: { dir: string; cleanup: () => void };
let p384: Running;
let hybrid: Running;
let p384Report: ProbeReport;
let hybridReport: ProbeReport;

before(async () => {
  tmp = makeTempDir('probe-groups');
  const pki = await makePki(tmp.dir);
  p384 = await startSServer([
    ...['-cert', pki.chains.ec.certPath, '-key', pki.chains.ec.keyPath, '-cert_chain', pki.intermediatePath],
    ...['-groups', 'P-384', '-www'],
  ]);
  hybrid = await startNodeTls({
    cert: pki.chains.ec.fullchainPem,
    key: pki.chains.ec.keyPem,
    ecdhCurve: 'X25519MLKEM768',
  });
  [p384Report, hybridReport] = await Promise.all([
    probe(`127.0.0.1:${p384.port}`, { sni: 'example.test', ca: pki.rootPem, http: false }),
    probe(`127.0.0.1:${hybrid.port}`, { sni: 'example.test', ca: pki.rootPem, http: false }),
  ]);
});

after(async () => {
  await p384?.stop();
  await hybrid?.stop();
  tmp?.cleanup();
});

describe('probe: a P-384-only server', () => {
  it('finds P-384 alone, in TLS 1.3 and TLS 1.2, and a retry for X25519-first clients', () => {
    assert.deepEqual(p384Report.groups, [
      { name: 'P-384', id: 24, tls13: true, tls12: true, hrr: true, post_quantum: false },
    ]);
    assert.deepEqual(p384Report.typical_client, {
      key_shares: ['X25519MLKEM768', 'X25519'],
      group: 'P-384',
      hrr: true,
    });
    assert.ok(p384Report.notes.some((n) => /retry for P-384/.test(n)));
  });

  it('agrees with openssl s_client on the group used', async () => {
    const out = await sClient(p384.port, ['-servername', 'example.test', '-groups', 'X25519:P-384']);
    assert.match(out, /Server Temp Key: ECDH, secp384r1/);
    const refused = await sClient(p384.port, ['-servername', 'example.test', '-groups', 'X25519:P-256']);
    assert.doesNotMatch(refused, /Server Temp Key/);
  });

  it('still negotiates both versions with its P-256 certificate', () => {
    assert.equal(p384Report.versions['TLS1.2'], true);
    assert.equal(p384Report.versions['TLS1.3'], true);
    assert.equal(p384Report.chain?.certificates[0]?.key, 'EC P-256');
    assert.equal(p384Report.fallback_scsv.state, 'yes');
  });
});

describe('probe: an X25519MLKEM768-only server', () => {
  it('finds the hybrid group only, and that X25519-only clients must retry for it', () => {
    assert.deepEqual(hybridReport.groups, [
      { name: 'X25519MLKEM768', id: 0x11ec, tls13: true, tls12: false, hrr: true, post_quantum: true },
    ]);
  });

  it('a client sending the hybrid share as today’s browsers do gets it without a retry', () => {
    assert.deepEqual(hybridReport.typical_client, {
      key_shares: ['X25519MLKEM768', 'X25519'],
      group: 'X25519MLKEM768',
      hrr: false,
    });
  });

  it('cannot do TLS 1.2 at all: no ECDHE curve is left for it', () => {
    assert.deepEqual(hybridReport.versions, {
      SSLv3: false,
      'TLS1.0': false,
      'TLS1.1': false,
      'TLS1.2': false,
      'TLS1.3': true,
    });
    assert.equal(hybridReport.suites['TLS1.2'], undefined);
  });
});
