// Suite order on three openssl s_server configurations (issue 17, item 2): its own order with the
// ChaCha20 exception (-serverpref -prioritize_chacha), its own order without it (-serverpref), and
// the client's order. One swap of the top two suites called the first "client order"; several
// permutations and one ChaCha20-led hello tell the three apart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ProbeReport, probe, renderProbeReport } from '../../src/probe/index.ts';
import { makePki, makeTempDir } from '../helpers/pki.ts';
import { type Running, sClient, startSServer } from './probe-harness.ts';

const TLS12 = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
];
const TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

let tmp: { dir: string; cleanup: () => void };
const servers: Running[] = [];
let chacha: ProbeReport;
let strict: ProbeReport;
let client: ProbeReport;
let chachaPort: number;

before(async () => {
  tmp = makeTempDir('probe-suite-order');
  const pki = await makePki(tmp.dir);
  const leaf = pki.chains.ec;
  const start = (extra: string[]) =>
    startSServer([
      ...['-cert', leaf.certPath, '-cert_chain', pki.intermediatePath, '-key', leaf.keyPath],
      ...['-cipher', TLS12.join(':'), '-ciphersuites', TLS13.join(':'), '-www', ...extra],
    ]);
  const started = await Promise.all([
    start(['-serverpref', '-prioritize_chacha']),
    start(['-serverpref']),
    start([]),
  ]);
  servers.push(...started);
  chachaPort = started[0].port;
  const scan = (s: Running) =>
    probe(`127.0.0.1:${s.port}`, { sni: 'example.test', ca: pki.rootPem, http: false });
  [chacha, strict, client] = await Promise.all([scan(started[0]), scan(started[1]), scan(started[2])]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  tmp?.cleanup();
});

describe('probe: cipher suite order', () => {
  it('-serverpref -prioritize_chacha: server order, ChaCha20 preferred when the client prefers it', () => {
    const expected = { state: 'yes', chacha20_preferred: true };
    assert.deepEqual(chacha.server_order_by_version['TLS1.2'], expected);
    assert.deepEqual(chacha.server_order_by_version['TLS1.3'], expected);
    assert.deepEqual(chacha.server_order, expected);
    assert.deepEqual(
      chacha.suites['TLS1.2']?.map((s) => s.openssl),
      TLS12,
    );
    assert.match(
      renderProbeReport(chacha),
      /Cipher suites TLS1\.2 \(server order, ChaCha20 preferred when the client prefers it\)/,
    );
  });

  it('agrees with openssl s_client: a ChaCha20-first client gets ChaCha20, an AES-first one the server’s pick', async () => {
    const first = ['-tls1_2', '-servername', 'example.test', '-cipher'];
    const led = await sClient(chachaPort, [
      ...first,
      'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384',
    ]);
    assert.match(led, /Cipher is ECDHE-ECDSA-CHACHA20-POLY1305/);
    const aes = await sClient(chachaPort, [
      ...first,
      'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384',
    ]);
    assert.match(aes, /Cipher is ECDHE-ECDSA-AES256-GCM-SHA384/);
  });

  it('-serverpref: server order, no ChaCha20 exception', () => {
    const expected = { state: 'yes', chacha20_preferred: false };
    assert.deepEqual(strict.server_order_by_version['TLS1.2'], expected);
    assert.deepEqual(strict.server_order_by_version['TLS1.3'], expected);
    assert.match(renderProbeReport(strict), /Cipher suites TLS1\.2 \(server order\)/);
  });

  it('no -serverpref: client order', () => {
    assert.deepEqual(client.server_order_by_version['TLS1.2'], { state: 'no', chacha20_preferred: false });
    assert.deepEqual(client.server_order_by_version['TLS1.3'], { state: 'no', chacha20_preferred: false });
    assert.match(
      renderProbeReport(client),
      /Cipher suites TLS1\.2 \(client order: the server follows the client\)/,
    );
  });
});
