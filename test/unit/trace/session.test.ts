// traceSession over RFC 8448 §3's records: a whole TLS 1.3 connection read from its two byte
// streams and a key log, every record opened, both Finished verified, nothing invented.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { traceSession } from '../../../src/trace/session.ts';
import type { Chunk } from '../../../src/trace/types.ts';
import { toHex } from '../../../src/wire/bytes.ts';
import { parseKeyLog } from '../../../src/wire/keylog.ts';
import { seal13 } from '../../../src/wire/record-protection.ts';
import { rfc8448Record, rfc8448 as v } from '../../fixtures/trace/rfc8448.ts';

const CLIENT_RANDOM = toHex(v('client_hello').subarray(6, 38));

function keyLog(labels: readonly string[] = ['hs', 'ap']): string {
  const line = (label: string, name: string) => `${label} ${CLIENT_RANDOM} ${toHex(v(name))}`;
  const out: string[] = ['# RFC 8448 §3'];
  if (labels.includes('hs'))
    out.push(
      line('CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'client_handshake_traffic_secret'),
      line('SERVER_HANDSHAKE_TRAFFIC_SECRET', 'server_handshake_traffic_secret'),
    );
  if (labels.includes('ap'))
    out.push(
      line('CLIENT_TRAFFIC_SECRET_0', 'client_application_traffic_secret_0'),
      line('SERVER_TRAFFIC_SECRET_0', 'server_application_traffic_secret_0'),
      line('EXPORTER_SECRET', 'exporter_master_secret'),
    );
  return out.join('\n');
}

function chunks(): Chunk[] {
  return [
    { dir: 'client', data: rfc8448Record('client_hello_record', 'client_hello'), time: 100 },
    {
      dir: 'server',
      data: Buffer.concat([
        rfc8448Record('server_hello_record', 'server_hello'),
        v('server_handshake_record'),
      ]),
      time: 100.01,
    },
    { dir: 'client', data: v('client_finished_record'), time: 100.02 },
    { dir: 'server', data: v('new_session_ticket_record'), time: 100.03 },
    { dir: 'client', data: v('client_application_data_record'), time: 100.04 },
    { dir: 'server', data: v('server_application_data_record'), time: 100.05 },
    { dir: 'client', data: v('client_alert_record'), time: 100.06 },
    { dir: 'server', data: v('server_alert_record'), time: 100.07 },
  ];
}

describe('traceSession on RFC 8448 §3', () => {
  it('decrypts every record and verifies both Finished messages', () => {
    const s = traceSession({ chunks: chunks(), keyLog: parseKeyLog(keyLog()), client: 'c:1', server: 's:2' });
    assert.equal(s.why_not, null);
    assert.equal(s.decrypted, true);
    assert.equal(s.version, 'TLS1.3');
    assert.equal(s.suite, 'TLS_AES_128_GCM_SHA256');
    assert.equal(s.group, 'x25519');
    assert.equal(s.sni, 'server');
    assert.deepEqual(
      s.records.map((r) => [
        r.dir,
        r.seq,
        r.epoch,
        r.type,
        (r.messages ?? []).join('+') || r.alert?.description,
      ]),
      [
        ['client', 0, 'plaintext', 'handshake', 'ClientHello'],
        ['server', 0, 'plaintext', 'handshake', 'ServerHello'],
        ['server', 0, 'handshake', 'handshake', 'EncryptedExtensions+Certificate+CertificateVerify+Finished'],
        ['client', 0, 'handshake', 'handshake', 'Finished'],
        ['server', 0, 'application', 'handshake', 'NewSessionTicket'],
        ['client', 0, 'application', 'application_data', undefined],
        ['server', 1, 'application', 'application_data', undefined],
        ['client', 1, 'application', 'alert', 'close_notify'],
        ['server', 2, 'application', 'alert', 'close_notify'],
      ],
    );
    const finished = s.records.flatMap((r) => r.details ?? []).filter((d) => d.name === 'Finished');
    assert.deepEqual(
      finished.map((f) => [f.verified, f.fields['verify_data']]),
      [
        [true, toHex(v('server_finished_verify_data'))],
        [true, toHex(v('client_finished_verify_data'))],
      ],
    );
    const app = s.records.filter((r) => r.type === 'application_data');
    for (const r of app)
      assert.equal(
        Buffer.from(r.plaintext_b64 ?? '', 'base64').toString('hex'),
        toHex(v('application_data')),
      );
    assert.equal(s.keys['server_handshake_write_key'], toHex(v('server_handshake_write_key')));
    assert.equal(s.keys['client_write_iv'], toHex(v('client_application_write_iv')));
    assert.equal(s.keys['client_finished_key'], toHex(v('client_finished_key')));
    assert.equal(s.secrets['exporter_master_secret'], toHex(v('exporter_master_secret')));
    assert.deepEqual(s.key_schedule.unavailable, [
      'early_secret',
      'handshake_secret',
      'master_secret',
      'resumption_master_secret',
    ]);
    assert.equal(s.records[2]?.time, 0.01);
    assert.equal(s.records[2]?.nonce, toHex(v('server_handshake_write_iv')));
  });

  it('reads the same when the streams arrive one byte at a time', () => {
    const split = chunks().flatMap((c) =>
      Array.from(c.data, (b) => ({ dir: c.dir, data: Uint8Array.of(b) })),
    );
    const s = traceSession({ chunks: split, keyLog: parseKeyLog(keyLog()) });
    assert.equal(s.decrypted, true);
    assert.equal(s.records.length, 9);
  });

  it('says which key log line is missing and shows only the handshake without application secrets', () => {
    const s = traceSession({ chunks: chunks(), keyLog: parseKeyLog(keyLog(['hs'])) });
    assert.equal(s.decrypted, false);
    assert.match(s.why_not ?? '', /no SERVER_TRAFFIC_SECRET_0 line/);
    assert.equal(s.records[2]?.decrypted, true);
    assert.equal(s.records[5]?.decrypted, false);
    assert.equal(s.records[5]?.plaintext_b64, undefined);
  });

  it('names the key log lines that would decrypt a session it has no lines for', () => {
    const s = traceSession({ chunks: chunks(), keyLog: parseKeyLog('') });
    assert.equal(s.decrypted, false);
    assert.match(s.why_not ?? '', new RegExp(`no key log line for client random ${CLIENT_RANDOM}`));
    assert.match(s.why_not ?? '', /CLIENT_HANDSHAKE_TRAFFIC_SECRET/);
    assert.ok(s.records.filter((r) => r.encrypted).every((r) => r.plaintext_b64 === undefined));
  });

  it('reports a tampered record as a failed tag, never as plaintext, and keeps reading the rest', () => {
    const cs = chunks();
    const bad = v('client_application_data_record').slice();
    bad[10]! ^= 0x40;
    cs[4] = { dir: 'client', data: bad };
    const s = traceSession({ chunks: cs, keyLog: parseKeyLog(keyLog()) });
    const r = s.records[5]!;
    assert.equal(r.tag_ok, false);
    assert.equal(r.decrypted, false);
    assert.equal(r.plaintext_b64, undefined);
    assert.match(r.error ?? '', /authentication tag mismatch/);
    assert.equal(s.decrypted, false);
    assert.match(
      s.why_not ?? '',
      /1 of 7 encrypted records failed authentication \(first: client record seq 0/,
    );
    assert.equal(s.records[7]?.alert?.description, 'close_notify', 'the next record still opens');
  });

  it('names bytes lost between records, finds the next sequence number by its tag, and never blames tampering', () => {
    const cs = chunks();
    const ticket = v('new_session_ticket_record');
    cs[3] = { dir: 'server', data: new Uint8Array(0), gap: ticket.length };
    const s = traceSession({ chunks: cs, keyLog: parseKeyLog(keyLog()) });
    const lost = s.records.find((r) => r.type === 'lost');
    assert.equal(lost?.length, ticket.length);
    const data = s.records.find((r) => r.dir === 'server' && r.type === 'application_data');
    assert.equal(data?.decrypted, true);
    assert.equal(data?.seq, 1);
    assert.match(data?.error ?? '', /1 record lost before this one/);
    assert.ok(!s.records.some((r) => r.tag_ok === false));
    assert.equal(s.decrypted, false);
    assert.match(s.why_not ?? '', /\d+ bytes of the server stream were never captured/);
    assert.doesNotMatch(s.why_not ?? '', /authentication|altered/);
  });

  it('drops a record cut by a gap and picks up at the next record header', () => {
    const cs = chunks();
    const ticket = v('new_session_ticket_record');
    const data = v('server_application_data_record');
    cs[3] = { dir: 'server', data: ticket.subarray(0, 20) };
    cs[5] = { dir: 'server', data: Buffer.concat([ticket.subarray(40), data]), gap: 20 };
    const s = traceSession({ chunks: cs, keyLog: parseKeyLog(keyLog()) });
    const server = s.records.filter((r) => r.dir === 'server' && r.type === 'application_data');
    assert.equal(server.length, 1);
    assert.equal(server[0]?.decrypted, true);
    assert.equal(s.records.find((r) => r.dir === 'server' && r.alert)?.alert?.description, 'close_notify');
    assert.match(s.why_not ?? '', /never captured/);
  });

  it('never shows a record as plaintext when no ServerHello said how it is protected', () => {
    const cs = chunks();
    cs[1] = { dir: 'server', data: v('server_handshake_record') };
    const s = traceSession({ chunks: cs, keyLog: parseKeyLog(keyLog()) });
    const server = s.records.filter((r) => r.dir === 'server');
    assert.ok(server.length >= 3);
    for (const r of server) {
      assert.equal(r.epoch, 'unknown');
      assert.equal(r.plaintext_b64, undefined);
      assert.match(r.error ?? '', /protection unknown/);
    }
    assert.equal(s.decrypted, false);
  });

  it('refuses the client’s records when its handshake secret is wrong', () => {
    const log = keyLog().replace(toHex(v('client_handshake_traffic_secret')), '00'.repeat(32));
    const s = traceSession({ chunks: chunks(), keyLog: parseKeyLog(log) });
    assert.equal(s.records[3]?.tag_ok, false);
    assert.equal(s.decrypted, false);
  });

  it('flags a Finished whose verify_data does not match the transcript', () => {
    const body = v('client_finished').slice();
    body[10]! ^= 1;
    const record = seal13(
      { kind: 'aead', algorithm: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
      v('client_handshake_write_key'),
      v('client_handshake_write_iv'),
      0,
      22,
      body,
    );
    const cs = chunks();
    cs[2] = { dir: 'client', data: record };
    const s = traceSession({ chunks: cs, keyLog: parseKeyLog(keyLog()) });
    const fin = s.records[3]?.details?.[0];
    assert.equal(s.records[3]?.tag_ok, true);
    assert.equal(fin?.verified, false);
    assert.equal(fin?.fields['expected'], toHex(v('client_finished_verify_data')));
    assert.ok(s.warnings.includes('the client Finished does not match our transcript and keys'));
  });
});
