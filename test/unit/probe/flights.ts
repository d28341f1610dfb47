// Server answers built from parts, for the response reader's tests: a TLS 1.2 flight up to
// ServerHelloDone, a TLS 1.3 ServerHello, a HelloRetryRequest, alerts.

import { concatBytes } from '../../../src/wire/bytes.ts';
import { encodeCertificateMessage } from '../../../src/wire/certificate-message.ts';
import { encodeCertificateStatus } from '../../../src/wire/certificate-status.ts';
import { Ext, type Extension } from '../../../src/wire/extensions.ts';
import { encodeHandshake, HandshakeType } from '../../../src/wire/handshake.ts';
import { ContentType, encodeRecord, encodeRecords } from '../../../src/wire/record.ts';
import { encodeServerHello, HELLO_RETRY_REQUEST_RANDOM } from '../../../src/wire/server-hello.ts';
import { Writer } from '../../../src/wire/writer.ts';

/** Variadic form of the byte toolbox's concatBytes, for building flights. */
export const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

const random = (): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => i + 1);

export function serverHello(suite: number, extensions: Extension[] = [], version = 0x0303): Uint8Array {
  return encodeHandshake(
    HandshakeType.serverHello,
    encodeServerHello({ legacyVersion: version, random: random(), cipherSuite: suite, extensions }),
  );
}

export function ecdheKeyExchange(group: number, scheme: number): Uint8Array {
  const body = new Writer()
    .u8(3)
    .u16(group)
    .block(1, (w) => w.bytes(new Uint8Array(32).fill(7)))
    .u16(scheme)
    .block(2, (w) => w.bytes(new Uint8Array(64).fill(9)))
    .finish();
  return encodeHandshake(HandshakeType.serverKeyExchange, body);
}

export interface Tls12FlightOptions {
  readonly suite?: number;
  readonly certificates?: Uint8Array[];
  readonly ocsp?: Uint8Array;
  readonly group?: number;
  readonly scheme?: number;
  readonly extensions?: Extension[];
  /** Largest record fragment (to spread messages over records). */
  readonly maxFragment?: number;
}

/** ServerHello, Certificate, [CertificateStatus], ServerKeyExchange, ServerHelloDone. */
export function tls12Flight(o: Tls12FlightOptions = {}): Uint8Array {
  const certs = o.certificates ?? [Uint8Array.of(0x30, 0x03, 1, 2, 3), Uint8Array.of(0x30, 0x01, 4)];
  const messages = concat(
    serverHello(o.suite ?? 0xc02b, o.extensions ?? [Ext.renegotiationInfo(), Ext.extendedMasterSecret()]),
    encodeHandshake(HandshakeType.certificate, encodeCertificateMessage(certs, false)),
    o.ocsp
      ? encodeHandshake(HandshakeType.certificateStatus, encodeCertificateStatus(o.ocsp))
      : new Uint8Array(0),
    ecdheKeyExchange(o.group ?? 29, o.scheme ?? 0x0403),
    encodeHandshake(HandshakeType.serverHelloDone, new Uint8Array(0)),
  );
  return encodeRecords(ContentType.handshake, 0x0303, messages, o.maxFragment);
}

export function tls13Hello(group = 29, suite = 0x1301): Uint8Array {
  const keyShare: Extension = {
    type: 51,
    data: new Writer()
      .u16(group)
      .block(2, (w) => w.bytes(new Uint8Array(32).fill(5)))
      .finish(),
  };
  const hello = serverHello(suite, [Ext.raw(43, Uint8Array.of(3, 4)), keyShare]);
  // What follows a TLS 1.3 ServerHello is a CCS and encrypted records: the reader must stop before.
  return concat(
    encodeRecord(ContentType.handshake, 0x0303, hello),
    encodeRecord(ContentType.changeCipherSpec, 0x0303, Uint8Array.of(1)),
    encodeRecord(ContentType.applicationData, 0x0303, new Uint8Array(40).fill(0xee)),
  );
}

export function helloRetryRequest(group: number, suite = 0x1301): Uint8Array {
  const body = encodeServerHello({
    random: HELLO_RETRY_REQUEST_RANDOM,
    cipherSuite: suite,
    extensions: [
      Ext.raw(43, Uint8Array.of(3, 4)),
      { type: 51, data: Uint8Array.of(group >> 8, group & 0xff) },
    ],
  });
  return encodeRecord(ContentType.handshake, 0x0303, encodeHandshake(HandshakeType.serverHello, body));
}

export const alertRecord = (level: number, description: number): Uint8Array =>
  encodeRecord(ContentType.alert, 0x0303, Uint8Array.of(level, description));
