// Handshakes beyond the plain full one: a HelloRetryRequest (transcript restarted with
// message_hash), a TLS 1.3 KeyUpdate (the next traffic secret, derived by us), and a TLS 1.2
// resumption decrypted from the server's RSA key through the session it resumes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import type net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { decryptCapture } from '../../src/trace/capture.ts';
import { captureConnection, traceConnect } from '../../src/trace/live.ts';
import { encodePcap, tcpPackets } from '../../src/trace/pcap-write.ts';
import { startTraceRelay } from '../../src/trace/relay.ts';
import type { TraceSession } from '../../src/trace/types.ts';
import { makePki, makeTempDir, type Pki } from '../helpers/pki.ts';
import { startHttpsServer } from './trace-harness.ts';

const finishedVerdicts = (s: TraceSession) =>
  s.records
    .flatMap((r) => r.details ?? [])
    .filter((d) => d.name === 'Finished')
    .map((d) => d.verified);

describe('handshake variants', () => {
  const tmp = makeTempDir('trace-variants');
  let pki: Pki;
  before(async () => {
    pki = await makePki(tmp.dir);
  });
  after(() => tmp.cleanup());

  it('follows a HelloRetryRequest: second ClientHello, transcript with message_hash, both Finished verified', async () => {
    // Node's client sends X25519MLKEM768 and x25519 key shares; a P-384-only server must ask again.
    const server = await startHttpsServer({
      cert: pki.chains.ec.fullchainPem,
      key: pki.chains.ec.keyPem,
      ecdhCurve: 'P-384',
    });
    try {
      const { session } = await traceConnect({
        host: '127.0.0.1',
        port: server.port,
        request: 'GET /',
        idleMs: 3000,
      });
      assert.equal(session.decrypted, true, session.why_not ?? '');
      assert.equal(session.group, 'secp384r1');
      const names = session.records.flatMap((r) => r.messages ?? []);
      assert.deepEqual(names.slice(0, 6), [
        'ClientHello',
        'HelloRetryRequest',
        'ChangeCipherSpec',
        'ChangeCipherSpec',
        'ClientHello',
        'ServerHello',
      ]);
      assert.deepEqual(finishedVerdicts(session), [true, true]);
    } finally {
      await server.close();
    }
  });

  it('derives the next traffic secret when openssl s_client sends a KeyUpdate', async () => {
    const echo = tls.createServer({ cert: pki.chains.ec.fullchainPem, key: pki.chains.ec.keyPem }, (s) => {
      s.on('error', () => {});
      s.on('data', (d) => s.write(d));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    const keylog = path.join(tmp.dir, 'keyupdate.keys');
    const sessions: TraceSession[] = [];
    let seen: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const relay = await startTraceRelay({
      listenHost: '127.0.0.1',
      listenPort: 0,
      toHost: '127.0.0.1',
      toPort: (echo.address() as net.AddressInfo).port,
      keyLogFile: keylog,
      onSession(s) {
        sessions.push(s);
        seen();
      },
    });
    let client: ChildProcess | undefined;
    try {
      // s_client reads a line that is exactly "k" as "send a KeyUpdate"; each step waits for its echo.
      const proc = spawn(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${relay.port}`, '-keylogfile', keylog, '-tls1_3'],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      // s_client prints KEYUPDATE on stderr and the session summary on stdout: read both.
      client = proc;
      const { stdout, stderr, stdin } = proc;
      stderr.on('data', (d: Buffer) => stdout.emit('data', d));
      const waitFor = (text: string) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (out.includes(text)) {
              stdout.off('data', onData);
              resolve();
            }
          };
          const onData = (d: Buffer) => {
            out += d.toString();
            check();
          };
          stdout.on('data', onData);
          check();
        });
      await waitFor('Verify return code');
      stdin.write('before update\n');
      await waitFor('before update');
      stdin.write('k\n');
      await waitFor('KEYUPDATE');
      stdin.write('after update\n');
      await waitFor('after update');
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      stdin.end();
      await exited;
      await done;
    } finally {
      client?.kill();
      await relay.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
    const [s] = sessions;
    assert.ok(s);
    assert.equal(s.decrypted, true, s.why_not ?? '');
    const update = s.records.find((r) => r.messages?.includes('KeyUpdate'));
    assert.ok(update);
    assert.equal(update.dir, 'client');
    assert.equal(update.epoch, 'application');
    const after = s.records.find(
      (r) => r.dir === 'client' && r.epoch === 'application_1' && r.type === 'application_data',
    );
    assert.ok(after, 'client records after the update use the next keys');
    assert.equal(after.seq, 0);
    assert.equal(Buffer.from(after.plaintext_b64 ?? '', 'base64').toString(), 'after update\n');
    assert.match(s.secrets['client_application_traffic_secret_1'] ?? '', /^[0-9a-f]{64,96}$/);
    assert.ok(s.keys['client_write_key_1']);
  });

  it('decrypts a TLS 1.2 resumption from the RSA key, through the master secret of the session it resumes', async () => {
    const server = await startHttpsServer({
      cert: pki.chains.rsa.fullchainPem,
      key: pki.chains.rsa.keyPem,
      maxVersion: 'TLSv1.2',
      ciphers: 'AES256-GCM-SHA384',
    });
    try {
      const first = await captureConnection({
        host: '127.0.0.1',
        port: server.port,
        request: 'GET /',
        idleMs: 3000,
      });
      assert.ok(first.tlsSession, 'the server offered a session');
      const second = await captureConnection({
        host: '127.0.0.1',
        port: server.port,
        request: 'GET /',
        idleMs: 3000,
        session: first.tlsSession,
      });
      const packets = [first, second].flatMap((c, i) =>
        tcpPackets({
          client: { ip: '127.0.0.1', port: 52000 + i },
          server: { ip: '127.0.0.1', port: 443 },
          chunks: c.chunks,
        }),
      );
      const result = decryptCapture(encodePcap(packets), {
        rsaKeys: [createPrivateKey(pki.chains.rsa.keyPem)],
      });
      assert.ok(result.ok);
      const [full, resumed] = result.value.report.sessions;
      assert.ok(full && resumed);
      assert.equal(full.decrypted, true, full.why_not ?? '');
      assert.equal(full.resumed, false);
      assert.equal(resumed.resumed, true);
      assert.equal(resumed.decrypted, true, resumed.why_not ?? '');
      assert.equal(resumed.suite, 'TLS_RSA_WITH_AES_256_GCM_SHA384');
      assert.ok(
        !resumed.records.some((r) => r.messages?.includes('ClientKeyExchange')),
        'an abbreviated handshake',
      );
      assert.match(resumed.key_schedule.source, /resumed session/);
      assert.equal(resumed.secrets['master_secret'], full.secrets['master_secret']);
      assert.deepEqual(finishedVerdicts(resumed), [true, true]);
      // Without the first connection in the capture, the resumption says what it lacks.
      const alone = decryptCapture(encodePcap(packets.slice(packets.length / 2)), {
        rsaKeys: [createPrivateKey(pki.chains.rsa.keyPem)],
      });
      assert.ok(alone.ok);
      assert.match(
        alone.value.report.sessions[0]?.why_not ?? '',
        /resumed session: its master secret was made by an earlier handshake/,
      );
    } finally {
      await server.close();
    }
  });
});
