import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertDescription, alertName, encodeAlert, parseAlert } from '../../../src/wire/alert.ts';
import { readRecords } from '../../../src/wire/record.ts';

describe('alerts', () => {
  it('covers the RFC 8446 §6 registry', () => {
    const rfc8446: Record<string, number> = {
      close_notify: 0,
      unexpected_message: 10,
      bad_record_mac: 20,
      record_overflow: 22,
      handshake_failure: 40,
      bad_certificate: 42,
      unsupported_certificate: 43,
      certificate_revoked: 44,
      certificate_expired: 45,
      certificate_unknown: 46,
      illegal_parameter: 47,
      unknown_ca: 48,
      access_denied: 49,
      decode_error: 50,
      decrypt_error: 51,
      protocol_version: 70,
      insufficient_security: 71,
      internal_error: 80,
      inappropriate_fallback: 86,
      user_canceled: 90,
      missing_extension: 109,
      unsupported_extension: 110,
      unrecognized_name: 112,
      bad_certificate_status_response: 113,
      unknown_psk_identity: 115,
      certificate_required: 116,
      no_application_protocol: 120,
    };
    for (const [name, code] of Object.entries(rfc8446)) {
      assert.equal((AlertDescription as Record<string, number>)[name], code, name);
      assert.equal(alertName(code), name);
    }
    assert.equal(alertName(255), 'alert_255');
  });

  it('encodes the unrecognized_name alert the terminator sends, as a whole record', () => {
    const bytes = encodeAlert('fatal', AlertDescription.unrecognized_name);
    assert.deepEqual(bytes, Uint8Array.of(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70));
    const { records } = readRecords(bytes);
    assert.deepEqual(parseAlert(records[0]!.fragment), {
      ok: true,
      value: { level: 'fatal', description: 112, name: 'unrecognized_name' },
    });
    assert.deepEqual(encodeAlert('warning', 0), Uint8Array.of(21, 3, 3, 0, 2, 1, 0));
  });

  it('refuses fragments that are not one plaintext alert', () => {
    assert.deepEqual(parseAlert(Uint8Array.of(2)), { ok: false, error: 'alert of 1 bytes (expected 2)' });
    assert.equal(parseAlert(Uint8Array.of(2, 40, 0)).ok, false);
    assert.match((parseAlert(Uint8Array.of(3, 40)) as { error: string }).error, /level 3/);
    assert.deepEqual(parseAlert(Uint8Array.of(1, 0)), {
      ok: true,
      value: { level: 'warning', description: 0, name: 'close_notify' },
    });
  });
});
