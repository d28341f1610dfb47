// Handshake messages as the record loop hands them over: each decoded for the ladder, the
// transcript kept, and the key changes they announce (ServerHello, Finished, EndOfEarlyData,
// KeyUpdate, a TLS 1.2 renegotiation's ClientHello) set up on the sending or both directions.

import { equalBytes, toHex } from '../wire/bytes.ts';
import { parseCertificateMessage } from '../wire/certificate-message.ts';
import { parseSignedCertificateVerify } from '../wire/certificate-verify.ts';
import { parseClientHello } from '../wire/client-hello.ts';
import { parseEncryptedExtensions } from '../wire/encrypted-extensions.ts';
import { parseFinished } from '../wire/finished.ts';
import { encodeHandshake } from '../wire/handshake.ts';
import { digest, finishedVerifyData, hashLength, nextTrafficSecret } from '../wire/key-schedule.ts';
import { parseKeyUpdate } from '../wire/key-update.ts';
import { parseNewSessionTicket } from '../wire/new-session-ticket.ts';
import { finishedVerifyData12 } from '../wire/prf.ts';
import { parseServerHello } from '../wire/server-hello.ts';
import { parseSignedKeyExchange } from '../wire/server-key-exchange.ts';
import { knownVersionName, ProtocolVersion } from '../wire/versions.ts';
import {
  describeCertificate,
  describeClientHello,
  describeEncryptedExtensions,
  describeNewSessionTicket,
  describeServerHello,
  describeServerKeyExchange,
  failed,
  groupName,
  messageName,
  plain,
  signedSchemeName,
} from './messages.ts';
import { onClientKeyExchange, setup12 } from './session-keys12.ts';
import { setup13, startEarlyData, trafficCipher } from './session-keys13.ts';
import type { SessionState, Side } from './session-state.ts';
import { suiteCrypto } from './suite-crypto.ts';
import type { MessageDetail } from './types.ts';

/** One handshake message of `side`: decoded, added to the transcript, its key changes made. */
export function handshakeMessage(s: SessionState, side: Side, type: number, body: Uint8Array): MessageDetail {
  return message(s, side, type, body);
}

function message(s: SessionState, side: Side, type: number, body: Uint8Array): MessageDetail {
  const whole = encodeHandshake(type, body);
  const postHandshake = s.tls13 && side.finished;
  let detail: MessageDetail;
  switch (type) {
    case 1:
      detail = onClientHello(s, side, body);
      break;
    case 2:
      return onServerHello(s, body, whole);
    case 8: {
      const ee = parseEncryptedExtensions(body);
      if (!ee.ok) detail = failed('EncryptedExtensions', ee.error);
      else {
        s.alpn = ee.value.alpn ?? s.alpn;
        detail = describeEncryptedExtensions(ee.value);
        // The client sent 0-RTT data the server will not read: say so where the server decides.
        if (s.sides.client.early && !ee.value.earlyData)
          detail = { ...detail, fields: { ...detail.fields, early_data_rejected: true } };
      }
      break;
    }
    case 11: {
      const cert = parseCertificateMessage(body, s.tls13);
      if (!cert.ok) detail = failed('Certificate', cert.error);
      else {
        if (side.dir === 'server') s.serverCertificate = cert.value.entries[0]?.der;
        detail = describeCertificate(cert.value);
      }
      break;
    }
    case 12: {
      // Read as the negotiated version lays it out: no scheme field before TLS 1.2, no signature for anon.
      const ske = parseSignedKeyExchange(body, {
        kx: s.crypto?.kx === 'dhe' ? 'dhe' : 'ecdhe',
        version: s.serverHello?.selectedVersion ?? ProtocolVersion.tls12,
        anonymous: s.crypto?.suite.auth === 'anon',
      });
      if (!ske.ok) detail = failed('ServerKeyExchange', ske.error);
      else {
        if (ske.value.kind === 'ecdhe') s.group = groupName(ske.value.group);
        else s.group = `ffdhe (${ske.value.prime.length * 8}-bit prime)`;
        detail = describeServerKeyExchange(ske.value);
      }
      break;
    }
    case 15: {
      const cv = parseSignedCertificateVerify(body, s.serverHello?.selectedVersion ?? ProtocolVersion.tls12);
      detail = cv.ok
        ? plain('CertificateVerify', {
            signature_scheme: signedSchemeName(cv.value),
            signature: `${cv.value.signature.length} bytes`,
          })
        : failed('CertificateVerify', cv.error);
      break;
    }
    case 16:
      s.transcript.push(whole);
      return onClientKeyExchange(s, body);
    case 20:
      detail = onFinished(s, side, body);
      break;
    case 4: {
      const nst = parseNewSessionTicket(body, s.tls13);
      if (!nst.ok) detail = failed('NewSessionTicket', nst.error);
      else {
        detail = describeNewSessionTicket(nst.value);
        if (!s.tls13) s.ticket = nst.value.ticket;
      }
      break;
    }
    case 24:
      detail = onKeyUpdate(s, side, body);
      break;
    case 5:
      detail = plain('EndOfEarlyData', { note: 'the client switches from early to handshake keys' });
      side.switchAfterRecord = true;
      break;
    default:
      detail = plain(messageName(type));
  }
  // Post-handshake messages (tickets, KeyUpdate) are not part of the TLS 1.3 transcript.
  if (!postHandshake && type !== 0) s.transcript.push(whole);
  return detail;
}

function onClientHello(s: SessionState, side: Side, body: Uint8Array): MessageDetail {
  const hello = parseClientHello(body);
  if (!hello.ok) return failed('ClientHello', hello.error);
  const renegotiation = !s.tls13 && s.serverHello !== undefined && side.encrypting;
  if (renegotiation) {
    // TLS 1.2 renegotiation (RFC 5746): a new handshake inside the current keys, with its own
    // randoms, master secret and transcript; its ChangeCipherSpecs switch to its keys.
    s.renegotiations++;
    s.transcript = [];
    s.master12 = undefined;
    s.keyProblem = undefined;
    s.ticket = undefined;
    s.sides.client.pending12 = undefined;
    s.sides.server.pending12 = undefined;
    s.sides.client.finished = false;
    s.sides.server.finished = false;
    s.steps.push(
      `renegotiation ${s.renegotiations}: a second handshake inside the first one's encryption (RFC 5746), keys from its own master secret (names end in _renegotiated_${s.renegotiations})`,
    );
  }
  const first = s.clientHello === undefined;
  s.clientHello = hello.value;
  s.earlyOffered = hello.value.extensions.some((e) => e.type === 42);
  if (s.earlyOffered && first && s.serverHello === undefined) startEarlyData(s, hello.value);
  const detail = describeClientHello(hello.value);
  return renegotiation
    ? { ...detail, fields: { ...detail.fields, renegotiation: s.renegotiations } }
    : detail;
}

function onServerHello(s: SessionState, body: Uint8Array, whole: Uint8Array): MessageDetail {
  const parsed = parseServerHello(body);
  if (!parsed.ok) return failed('ServerHello', parsed.error);
  const sh = parsed.value;
  const recipe = suiteCrypto(sh.cipherSuite);
  if (sh.isHelloRetryRequest) {
    // RFC 8446 §4.4.1: the first ClientHello is replaced by message_hash(Hash(ClientHello1)).
    const hash = recipe.ok ? recipe.value.hash : 'sha256';
    s.tls13 = true; // only TLS 1.3 retries; its compatibility ChangeCipherSpec must not turn on TLS 1.2 keys
    const first = digest(hash, ...s.transcript);
    s.transcript = [Uint8Array.of(254, 0, 0, first.length, ...first), whole];
    if (sh.keyShareGroup !== undefined) s.group = groupName(sh.keyShareGroup);
    return describeServerHello(sh);
  }
  s.transcript.push(whole);
  s.serverHello = sh;
  s.tls13 = sh.selectedVersion === ProtocolVersion.tls13;
  if (sh.alpn !== undefined) s.alpn = sh.alpn;
  if (s.tls13 && sh.keyShareGroup !== undefined) s.group = groupName(sh.keyShareGroup);
  if (!recipe.ok) s.unsupported = recipe.error;
  else if (sh.selectedVersion !== ProtocolVersion.tls12 && !s.tls13)
    s.unsupported = `${knownVersionName(sh.selectedVersion) ?? 'this version'} uses the MD5/SHA-1 PRF and implicit CBC IVs, which tlsterm does not implement (TLS 1.2 and 1.3 only)`;
  else s.crypto = recipe.value;
  const ch = s.clientHello;
  s.resumed = s.tls13
    ? sh.pskSelectedIdentity !== undefined
    : ch !== undefined && ch.sessionId.length > 0 && equalBytes(ch.sessionId, sh.sessionId);
  s.encryptThenMac = !s.tls13 && sh.extensions.some((e) => e.type === 22);
  if (s.crypto !== undefined && ch !== undefined) {
    if (s.tls13) setup13(s, s.crypto, ch);
    else setup12(s, s.crypto, ch, sh);
  } else if (s.unsupported !== undefined) {
    s.keyProblem = s.unsupported;
  }
  if (s.tls13) {
    // Everything after the ServerHello is protected in both directions (RFC 8446 §2).
    for (const side of Object.values(s.sides)) {
      side.encrypting = true;
      if (!side.early) side.seq = 0; // each key starts its own sequence (RFC 8446 §5.3)
      if (side.cipher === undefined) side.noKey ??= s.keyProblem ?? s.unsupported ?? 'no keys';
    }
  }
  return describeServerHello(sh);
}

function onFinished(s: SessionState, side: Side, body: Uint8Array): MessageDetail {
  const crypto = s.crypto;
  const length = crypto === undefined ? undefined : s.tls13 ? hashLength(crypto.hash) : 12;
  const fin = parseFinished(body, length);
  side.finished = true;
  if (s.tls13) {
    side.switchAfterRecord = true;
    if (side.dir === 'client') {
      side.next = s.pendingClientApplication;
      side.nextNoKey = s.pendingClientApplicationNoKey;
    }
  } else if (side.dir === 'server' && s.master12 !== undefined && s.input.resumption !== undefined) {
    // Remember the master secret so a later resumption of this session in the same capture can be read.
    const sh = s.serverHello;
    if (sh !== undefined && sh.sessionId.length > 0)
      s.input.resumption.set(`id:${toHex(sh.sessionId)}`, s.master12);
    if (s.ticket !== undefined) s.input.resumption.set(`ticket:${toHex(s.ticket)}`, s.master12);
  }
  if (!fin.ok) return failed('Finished', fin.error);
  let expected: Uint8Array | undefined;
  if (crypto !== undefined && s.tls13) {
    const base = s.handshake13[side.dir];
    if (base !== undefined)
      expected = finishedVerifyData(crypto.hash, base, digest(crypto.hash, ...s.transcript));
  } else if (crypto !== undefined && s.master12 !== undefined) {
    expected = finishedVerifyData12(crypto.hash, s.master12, side.dir, digest(crypto.hash, ...s.transcript));
  }
  const verified = expected === undefined ? null : equalBytes(expected, fin.value.verifyData);
  const fields: Record<string, string | null> = { verify_data: toHex(fin.value.verifyData) };
  if (verified === false && expected !== undefined) fields['expected'] = toHex(expected);
  if (verified === false) s.warnings.push(`the ${side.dir} Finished does not match our transcript and keys`);
  return { name: 'Finished', fields, verified };
}

function onKeyUpdate(s: SessionState, side: Side, body: Uint8Array): MessageDetail {
  const ku = parseKeyUpdate(body);
  if (!ku.ok) return failed('KeyUpdate', ku.error);
  const crypto = s.crypto;
  const current = side.cipher;
  if (crypto !== undefined && current?.secret !== undefined) {
    const generation = current.generation + 1;
    const secret = nextTrafficSecret(crypto.hash, current.secret);
    side.next = trafficCipher(crypto, secret, `application_${generation}`, generation);
    s.secrets[`${side.dir}_application_traffic_secret_${generation}`] = toHex(secret);
    s.keys[`${side.dir}_write_key_${generation}`] = toHex(side.next.key);
    s.keys[`${side.dir}_write_iv_${generation}`] = toHex(side.next.iv);
  } else {
    side.next = undefined;
    side.nextNoKey = side.noKey ?? 'no traffic secret to update';
  }
  side.switchAfterRecord = true;
  return plain('KeyUpdate', { update_requested: ku.value.updateRequested });
}
