import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOcspResponse } from '../../../src/probe/ocsp.ts';
import { readTlv } from '../../../src/wire/index.ts';
import { gtime, octets, seq, tlv } from './der-builder.ts';

/** OCSPResponse { successful, BasicOCSPResponse { ResponseData { byKey, producedAt, [SingleResponse] } } } */
function response(certStatus: Uint8Array, next?: string): Uint8Array {
  const single = seq(
    seq(
      seq(tlv(0x06, Uint8Array.of(0x2b, 0x0e, 0x03, 0x02, 0x1a))),
      octets([1]),
      octets([2]),
      tlv(0x02, Uint8Array.of(5)),
    ),
    certStatus,
    gtime('20260101000000Z'),
    ...(next ? [tlv(0xa0, gtime(next))] : []),
  );
  const responseData = seq(tlv(0xa2, octets([9, 9])), gtime('20260101000000Z'), seq(single));
  const basic = seq(responseData, seq(tlv(0x06, Uint8Array.of(1))), tlv(0x03, Uint8Array.of(0, 1)));
  const bytes = tlv(0xa0, seq(tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 48, 1, 1)), octets(basic)));
  return seq(tlv(0x0a, Uint8Array.of(0)), bytes);
}

describe('readOcspResponse', () => {
  it('reads a good response with its validity window', () => {
    assert.deepEqual(readOcspResponse(response(tlv(0x80, new Uint8Array(0)), '20260108000000Z')), {
      stapled: true,
      response_status: 'successful',
      cert_status: 'good',
      this_update: '2026-01-01T00:00:00.000Z',
      next_update: '2026-01-08T00:00:00.000Z',
    });
  });

  it('reads revoked and unknown', () => {
    assert.equal(readOcspResponse(response(tlv(0xa1, gtime('20250101000000Z')))).cert_status, 'revoked');
    assert.equal(readOcspResponse(response(tlv(0x82, new Uint8Array(0)))).cert_status, 'unknown');
  });

  it('reads an error status without response bytes', () => {
    const r = readOcspResponse(seq(tlv(0x0a, Uint8Array.of(3))));
    assert.equal(r.stapled, true);
    assert.equal(r.response_status, 'tryLater');
    assert.equal(r.cert_status, null);
  });

  it('says "not stapled" for nothing and "unparsable" for garbage, without throwing', () => {
    assert.equal(readOcspResponse(undefined).stapled, false);
    assert.equal(readOcspResponse(Uint8Array.of(1, 2, 3)).response_status, 'unparsable');
    for (let n = 0; n < 200; n++) readOcspResponse(response(tlv(0x80, new Uint8Array(0))).subarray(0, n));
  });

  it('readTlv refuses lengths that run past the input', () => {
    assert.equal(readTlv(Uint8Array.of(0x30, 0x05, 1)), undefined);
    assert.equal(readTlv(Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff)), undefined);
    assert.equal(readTlv(Uint8Array.of(0x1f, 0x01, 0x00)), undefined);
  });
});
