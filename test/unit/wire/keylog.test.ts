import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../../src/wire/bytes.ts';
import { formatKeyLogLine, mergeKeyLogs, parseKeyLog, secretsFor } from '../../../src/wire/keylog.ts';

const CR = 'ab'.repeat(32);

describe('NSS key log', () => {
  it('reads TLS 1.2 and 1.3 lines, comments, blank lines and CRLF', () => {
    const log = parseKeyLog(
      `# SSL/TLS secrets log file\r\nCLIENT_RANDOM ${CR} ${'11'.repeat(48)}\r\n\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR.toUpperCase()} ${'22'.repeat(32)}\n`,
    );
    assert.equal(log.lines, 2);
    assert.deepEqual(log.problems, []);
    const secrets = secretsFor(log, Buffer.from(CR, 'hex'));
    assert.equal(toHex(secrets.get('CLIENT_RANDOM')!), '11'.repeat(48));
    assert.equal(toHex(secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET')!), '22'.repeat(32));
    assert.equal(secretsFor(log, new Uint8Array(32)).size, 0);
  });

  it('keys NSS RSA lines by the first 8 bytes of the encrypted pre-master secret', () => {
    const log = parseKeyLog(`RSA 0102030405060708 ${'03'.repeat(48)}`);
    assert.equal(toHex(log.rsaPreMaster.get('0102030405060708')!), '03'.repeat(48));
  });

  it('reports lines it cannot use, with their numbers, and keeps going', () => {
    const log = parseKeyLog(
      [
        'CLIENT_RANDOM abc',
        `CLIENT_RANDOM ${CR} zz`,
        `SOMETHING ${CR} 00`,
        `CLIENT_RANDOM ${'ab'.repeat(8)} 00`,
        `SERVER_TRAFFIC_SECRET_0 ${CR} 0102`,
      ].join('\n'),
    );
    assert.deepEqual(
      log.problems.map((p) => p.line),
      [1, 2, 3, 4],
    );
    assert.match(log.problems[3]!.message, /client random must be 32 bytes, not 8/);
    assert.equal(log.lines, 1);
  });

  it('merges logs (later wins) and formats lines back', () => {
    const a = parseKeyLog(`CLIENT_RANDOM ${CR} ${'01'.repeat(48)}`);
    const b = parseKeyLog(`CLIENT_RANDOM ${CR} ${'02'.repeat(48)}\nRSA 0000000000000000 ${'03'.repeat(48)}`);
    const m = mergeKeyLogs(a, b);
    assert.equal(toHex(secretsFor(m, Buffer.from(CR, 'hex')).get('CLIENT_RANDOM')!), '02'.repeat(48));
    assert.equal(m.rsaPreMaster.size, 1);
    assert.equal(
      formatKeyLogLine('EXPORTER_SECRET', Buffer.from(CR, 'hex'), Uint8Array.of(1, 2)),
      `EXPORTER_SECRET ${CR} 0102`,
    );
  });
});
