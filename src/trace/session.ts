// The heart of `trace` and `decrypt`: one TLS connection's two byte streams, read record by record
// in the order they were seen, with the handshake decoded, the key schedule computed by our own
// code from a key log (or, for TLS 1.2 RSA key exchange, the server's private key), and every
// protected record opened and checked. Pure: no sockets, no files; never throws on peer bytes.
import type { KeyObject } from 'node:crypto';
import { parseAlert } from '../wire/alert.ts';
import { equalBytes, toHex } from '../wire/bytes.ts';
import { parseCertificateMessage } from '../wire/certificate-message.ts';
import { parseCertificateVerify } from '../wire/certificate-verify.ts';
import { type ClientHello, parseClientHello } from '../wire/client-hello.ts';
import { parseClientKeyExchange } from '../wire/client-key-exchange.ts';
import { parseEncryptedExtensions } from '../wire/encrypted-extensions.ts';
import { parseFinished } from '../wire/finished.ts';
import { encodeHandshake, readHandshakeMessages } from '../wire/handshake.ts';
import {
  digest,
  finishedKey,
  finishedVerifyData,
  hashLength,
  nextTrafficSecret,
  trafficKeys,
} from '../wire/key-schedule.ts';
import { parseKeyUpdate } from '../wire/key-update.ts';
import { EMPTY_KEY_LOG, type KeyLog, KeyLogLabel, secretsFor } from '../wire/keylog.ts';
import { parseNewSessionTicket } from '../wire/new-session-ticket.ts';
import type { ParseResult } from '../wire/parse-result.ts';
import {
  extendedMasterSecret,
  finishedVerifyData12,
  keyBlock,
  masterSecretFromRandoms,
} from '../wire/prf.ts';
import { contentTypeName, readRecords, type TlsRecord } from '../wire/record.ts';
import {
  type CipherSpec,
  type OpenedRecord,
  open12Aead,
  open12Cbc,
  open13,
} from '../wire/record-protection.ts';
import { parseServerHello, type ServerHello } from '../wire/server-hello.ts';
import { parseServerKeyExchange } from '../wire/server-key-exchange.ts';
import { httpFirstLine } from './http-peek.ts';
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
  schemeName,
} from './messages.ts';
import { decryptPreMaster, keyMatchesCertificate } from './rsa-premaster.ts';
import { type SuiteCrypto, suiteCrypto } from './suite-crypto.ts';
import type { Chunk, Direction, MessageDetail, TraceRecord, TraceSession } from './types.ts';

/** TLS 1.2 master secrets of earlier sessions, by "id:<session id hex>" or "ticket:<ticket hex>". */
export type ResumptionStore = Map<string, Uint8Array>;

export interface TraceSessionInput {
  readonly chunks: readonly Chunk[];
  readonly keyLog?: KeyLog;
  /** Server private keys for TLS 1.2 RSA key exchange (`decrypt --key`). */
  readonly rsaKeys?: readonly KeyObject[];
  readonly client?: string;
  readonly server?: string;
  /** Shared across the sessions of one capture so that a TLS 1.2 resumption finds its master secret. */
  readonly resumption?: ResumptionStore;
  /** Notes from whoever produced the chunks (e.g. TCP gaps), kept as warnings. */
  readonly warnings?: readonly string[];
  /** Put plaintext_b64 on records (default true). */
  readonly includePlaintext?: boolean;
}

interface Cipher {
  readonly spec: CipherSpec;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly macKey: Uint8Array;
  readonly epoch: string;
  /** TLS 1.3 traffic secret, for KeyUpdate. */
  readonly secret?: Uint8Array;
  readonly generation: number;
}

interface Side {
  readonly dir: Direction;
  pending: Uint8Array;
  broken: string | undefined;
  hs: Uint8Array;
  encrypting: boolean;
  cipher: Cipher | undefined;
  /** Why `cipher` is missing while encrypting. */
  noKey: string | undefined;
  seq: number;
  /** The keys after this epoch (TLS 1.3), switched to after Finished / EndOfEarlyData / KeyUpdate. */
  next: Cipher | undefined;
  nextNoKey: string | undefined;
  switchAfterRecord: boolean;
  /** TLS 1.2: the keys ChangeCipherSpec turns on. */
  pending12: Cipher | undefined;
  finished: boolean;
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const VERSION_NAMES: Readonly<Record<number, string>> = {
  768: 'SSLv3',
  769: 'TLS1.0',
  770: 'TLS1.1',
  771: 'TLS1.2',
  772: 'TLS1.3',
};

/** Reads one TLS connection. */
export function traceSession(input: TraceSessionInput): TraceSession {
  return new SessionTracer(input).run();
}

class SessionTracer {
  readonly #input: TraceSessionInput;
  readonly #keyLog: KeyLog;
  readonly #sides: Record<Direction, Side>;
  readonly #records: TraceRecord[] = [];
  readonly #warnings: string[] = [];
  readonly #secrets: Record<string, string> = {};
  readonly #keys: Record<string, string> = {};
  readonly #steps: string[] = [];
  readonly #unavailable: string[] = [];
  #source = 'no secrets';
  #firstTime: number | undefined;
  #clientHello: ClientHello | undefined;
  #serverHello: ServerHello | undefined;
  #crypto: SuiteCrypto | undefined;
  #unsupported: string | undefined;
  #tls13 = false;
  #transcript: Uint8Array[] = [];
  #master12: Uint8Array | undefined;
  #handshake13: { client?: Uint8Array; server?: Uint8Array } = {};
  #serverCertificate: Uint8Array | undefined;
  #group: string | null = null;
  #alpn: string | null = null;
  #resumed = false;
  #keyProblem: string | undefined;
  #encryptThenMac = false;
  #ticket: Uint8Array | undefined;
  #earlyOffered = false;

  constructor(input: TraceSessionInput) {
    this.#input = input;
    this.#keyLog = input.keyLog ?? EMPTY_KEY_LOG;
    this.#sides = { client: newSide('client'), server: newSide('server') };
    this.#warnings.push(...(input.warnings ?? []));
  }

  run(): TraceSession {
    for (const chunk of this.#input.chunks) {
      if (chunk.time !== undefined) this.#firstTime ??= chunk.time;
      this.#feed(this.#sides[chunk.dir], chunk.data, chunk.time);
    }
    for (const side of Object.values(this.#sides)) {
      if (side.broken === undefined && side.pending.length > 0)
        this.#warnings.push(
          `${side.pending.length} bytes of an incomplete record at the end of the ${side.dir} stream`,
        );
    }
    return this.#result();
  }

  #feed(side: Side, data: Uint8Array, time: number | undefined): void {
    if (side.broken !== undefined || data.length === 0) return;
    const bytes = side.pending.length === 0 ? data : concat([side.pending, data]);
    const { records, rest, error } = readRecords(bytes);
    for (const record of records) this.#record(side, record, time);
    side.pending = bytes.slice(bytes.length - rest);
    if (error !== undefined) {
      side.broken = error;
      this.#warnings.push(
        `the ${side.dir} stream stopped being TLS after ${records.length} records: ${error}`,
      );
    }
  }

  #record(side: Side, record: TlsRecord, time: number | undefined): void {
    const { type, length } = record.header;
    const base = {
      dir: side.dir,
      wire_type: contentTypeName(type),
      length,
      time: time !== undefined && this.#firstTime !== undefined ? round(time - this.#firstTime) : null,
    };
    // TLS 1.3 sends ChangeCipherSpec only for middlebox compatibility (RFC 8446 §5): unprotected, uncounted.
    if (type === 20 && (this.#tls13 || side.encrypting)) {
      this.#records.push({
        ...base,
        seq: null,
        type: 'change_cipher_spec',
        encrypted: false,
        epoch: 'plaintext',
        decrypted: null,
        messages: ['ChangeCipherSpec'],
        details: [plain('ChangeCipherSpec', { note: 'TLS 1.3 middlebox compatibility; changes nothing' })],
      });
      return;
    }
    // 0-RTT: application_data right behind a ClientHello that offered early_data, before any ServerHello.
    if (
      side.dir === 'client' &&
      !side.encrypting &&
      type === 23 &&
      this.#earlyOffered &&
      this.#serverHello === undefined
    ) {
      this.#records.push({
        ...base,
        seq: null,
        type: 'application_data',
        encrypted: true,
        epoch: 'early',
        decrypted: false,
        error: '0-RTT early data: tlsterm does not decrypt early data',
      });
      return;
    }
    const encrypted = side.encrypting && (!this.#tls13 || type === 23);
    let content: Uint8Array;
    let contentType = type;
    let seq: number;
    let opened: OpenedRecord | undefined;
    let epoch = 'plaintext';
    if (!encrypted) {
      content = record.fragment;
      seq = side.encrypting ? -1 : side.seq++;
    } else {
      const result = this.#open(side, record);
      epoch = side.cipher?.epoch ?? (this.#tls13 ? 'handshake' : 'encrypted');
      seq = result.seq;
      if (!result.opened.ok) {
        const why = side.cipher === undefined ? (side.noKey ?? 'no keys') : result.opened.error;
        this.#records.push({
          ...base,
          seq,
          type: contentTypeName(type),
          encrypted: true,
          epoch,
          decrypted: false,
          ...(side.cipher !== undefined ? { tag_ok: false } : {}),
          error: why,
        });
        if (side.switchAfterRecord) this.#switch(side);
        return;
      }
      opened = result.opened.value;
      content = opened.content;
      contentType = opened.contentType;
    }

    const out: {
      messages?: string[];
      details?: MessageDetail[];
      alert?: { level: string; description: string };
      http?: string;
      error?: string;
    } = {};
    if (contentType === 22) {
      const names: string[] = [];
      const details: MessageDetail[] = [];
      const all = side.hs.length === 0 ? content : concat([side.hs, content]);
      const { messages, rest } = readHandshakeMessages(all);
      for (const m of messages) {
        const detail = this.#message(side, m.type, m.body);
        names.push(detail.name);
        details.push(detail);
      }
      side.hs = all.slice(all.length - rest);
      if (rest > 0) names.push(`(${rest} bytes of a message continued in the next record)`);
      out.messages = names;
      out.details = details;
    } else if (contentType === 21) {
      const alert = parseAlert(content);
      if (alert.ok) out.alert = { level: alert.value.level, description: alert.value.name };
      else out.error = alert.error;
    } else if (contentType === 20) {
      out.messages = ['ChangeCipherSpec'];
      out.details = [plain('ChangeCipherSpec', { note: 'the sender encrypts from its next record on' })];
    } else if (contentType === 23) {
      const line = httpFirstLine(content);
      if (line !== undefined) out.http = line;
    }

    this.#records.push({
      ...base,
      seq: seq < 0 ? null : seq,
      type: contentTypeName(contentType),
      encrypted,
      epoch,
      decrypted: encrypted ? true : null,
      ...(opened !== undefined ? { nonce: toHex(opened.nonce), tag: toHex(opened.tag), tag_ok: true } : {}),
      ...out,
      ...(this.#input.includePlaintext === false
        ? {}
        : { plaintext_b64: Buffer.from(content).toString('base64') }),
    });

    // A TLS 1.2 ChangeCipherSpec turns on the keys the handshake agreed for this direction.
    if (!encrypted && type === 20 && !this.#tls13) {
      side.encrypting = true;
      side.cipher = side.pending12;
      side.seq = 0;
      if (side.cipher === undefined) side.noKey = this.#keyProblem ?? 'no master secret for this session';
    }
    if (side.switchAfterRecord) this.#switch(side);
  }

  /** Opens a protected record with the side's keys; when that fails, tries the next epoch's keys. */
  #open(side: Side, record: TlsRecord): { opened: ParseResult<OpenedRecord>; seq: number } {
    const seq = side.seq++;
    if (side.cipher === undefined) return { opened: { ok: false, error: side.noKey ?? 'no keys' }, seq };
    const opened = this.#openWith(side.cipher, seq, record);
    if (opened.ok || side.next === undefined) return { opened, seq };
    // A lost or tampered Finished leaves us in the old epoch; the next record may already be in the new one.
    const retry = this.#openWith(side.next, 0, record);
    if (!retry.ok) return { opened, seq };
    side.cipher = side.next;
    side.next = undefined;
    side.seq = 1;
    return { opened: retry, seq: 0 };
  }

  #openWith(cipher: Cipher, seq: number, record: TlsRecord): ParseResult<OpenedRecord> {
    const { type, version, length } = record.header;
    if (this.#tls13) {
      if (cipher.spec.kind !== 'aead') return { ok: false, error: 'TLS 1.3 needs an AEAD' };
      const header = Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff);
      return open13(cipher.spec, cipher.key, cipher.iv, seq, header, record.fragment);
    }
    if (cipher.spec.kind === 'aead')
      return open12Aead(cipher.spec, cipher.key, cipher.iv, seq, type, version, record.fragment);
    return open12Cbc(
      cipher.spec,
      cipher.key,
      cipher.macKey,
      seq,
      type,
      version,
      record.fragment,
      this.#encryptThenMac,
    );
  }

  #switch(side: Side): void {
    side.switchAfterRecord = false;
    if (side.hs.length > 0) {
      this.#warnings.push(
        `${side.hs.length} bytes of an unfinished ${side.dir} handshake message dropped at a key change`,
      );
      side.hs = new Uint8Array(0);
    }
    side.cipher = side.next;
    side.noKey = side.nextNoKey;
    side.next = undefined;
    side.nextNoKey = undefined;
    side.seq = 0;
  }

  // ---- handshake messages ------------------------------------------------------------------

  #message(side: Side, type: number, body: Uint8Array): MessageDetail {
    const whole = encodeHandshake(type, body);
    const postHandshake = this.#tls13 && side.finished;
    let detail: MessageDetail;
    switch (type) {
      case 1:
        detail = this.#onClientHello(body);
        break;
      case 2:
        return this.#onServerHello(body, whole);
      case 8: {
        const ee = parseEncryptedExtensions(body);
        if (!ee.ok) detail = failed('EncryptedExtensions', ee.error);
        else {
          this.#alpn = ee.value.alpn ?? this.#alpn;
          detail = describeEncryptedExtensions(ee.value);
        }
        break;
      }
      case 11: {
        const cert = parseCertificateMessage(body, this.#tls13);
        if (!cert.ok) detail = failed('Certificate', cert.error);
        else {
          if (side.dir === 'server') this.#serverCertificate = cert.value.entries[0]?.der;
          detail = describeCertificate(cert.value);
        }
        break;
      }
      case 12: {
        const kx = this.#crypto?.kx === 'dhe' ? 'dhe' : 'ecdhe';
        const ske = parseServerKeyExchange(body, kx);
        if (!ske.ok) detail = failed('ServerKeyExchange', ske.error);
        else {
          if (ske.value.kind === 'ecdhe') this.#group = groupName(ske.value.group);
          else this.#group = `ffdhe (${ske.value.prime.length * 8}-bit prime)`;
          detail = describeServerKeyExchange(ske.value);
        }
        break;
      }
      case 15: {
        const cv = parseCertificateVerify(body);
        detail = cv.ok
          ? plain('CertificateVerify', {
              signature_scheme: schemeName(cv.value.signatureScheme),
              signature: `${cv.value.signature.length} bytes`,
            })
          : failed('CertificateVerify', cv.error);
        break;
      }
      case 16:
        this.#transcript.push(whole);
        return this.#onClientKeyExchange(body);
      case 20:
        detail = this.#onFinished(side, body);
        break;
      case 4: {
        const nst = parseNewSessionTicket(body, this.#tls13);
        if (!nst.ok) detail = failed('NewSessionTicket', nst.error);
        else {
          detail = describeNewSessionTicket(nst.value);
          if (!this.#tls13) this.#ticket = nst.value.ticket;
        }
        break;
      }
      case 24:
        detail = this.#onKeyUpdate(side, body);
        break;
      case 5:
        detail = plain('EndOfEarlyData', { note: 'the client switches from early to handshake keys' });
        side.switchAfterRecord = true;
        break;
      default:
        detail = plain(messageName(type));
    }
    // Post-handshake messages (tickets, KeyUpdate) are not part of the TLS 1.3 transcript.
    if (!postHandshake && type !== 0) this.#transcript.push(whole);
    return detail;
  }

  #onClientHello(body: Uint8Array): MessageDetail {
    const hello = parseClientHello(body);
    if (!hello.ok) return failed('ClientHello', hello.error);
    this.#clientHello = hello.value;
    this.#earlyOffered = hello.value.extensions.some((e) => e.type === 42);
    return describeClientHello(hello.value);
  }

  #onServerHello(body: Uint8Array, whole: Uint8Array): MessageDetail {
    const parsed = parseServerHello(body);
    if (!parsed.ok) return failed('ServerHello', parsed.error);
    const sh = parsed.value;
    const recipe = suiteCrypto(sh.cipherSuite);
    if (sh.isHelloRetryRequest) {
      // RFC 8446 §4.4.1: the first ClientHello is replaced by message_hash(Hash(ClientHello1)).
      const hash = recipe.ok ? recipe.value.hash : 'sha256';
      this.#tls13 = true; // only TLS 1.3 retries; its compatibility ChangeCipherSpec must not turn on TLS 1.2 keys
      const first = digest(hash, ...this.#transcript);
      this.#transcript = [Uint8Array.of(254, 0, 0, first.length, ...first), whole];
      if (sh.keyShareGroup !== undefined) this.#group = groupName(sh.keyShareGroup);
      return describeServerHello(sh);
    }
    this.#transcript.push(whole);
    this.#serverHello = sh;
    this.#tls13 = sh.selectedVersion === 0x0304;
    if (sh.alpn !== undefined) this.#alpn = sh.alpn;
    if (this.#tls13 && sh.keyShareGroup !== undefined) this.#group = groupName(sh.keyShareGroup);
    if (!recipe.ok) this.#unsupported = recipe.error;
    else if (sh.selectedVersion !== 0x0303 && !this.#tls13)
      this.#unsupported = `${VERSION_NAMES[sh.selectedVersion] ?? 'this version'} uses the MD5/SHA-1 PRF and implicit CBC IVs, which tlsterm does not implement (TLS 1.2 and 1.3 only)`;
    else this.#crypto = recipe.value;
    const ch = this.#clientHello;
    this.#resumed = this.#tls13
      ? sh.pskSelectedIdentity !== undefined
      : ch !== undefined && ch.sessionId.length > 0 && equalBytes(ch.sessionId, sh.sessionId);
    this.#encryptThenMac = !this.#tls13 && sh.extensions.some((e) => e.type === 22);
    if (this.#crypto !== undefined && ch !== undefined) {
      if (this.#tls13) this.#setup13(this.#crypto, ch);
      else this.#setup12(this.#crypto, ch, sh);
    } else if (this.#unsupported !== undefined) {
      this.#keyProblem = this.#unsupported;
    }
    if (this.#tls13) {
      // Everything after the ServerHello is protected in both directions (RFC 8446 §2).
      for (const side of Object.values(this.#sides)) {
        side.encrypting = true;
        side.seq = 0; // each key starts its own sequence (RFC 8446 §5.3)
        if (side.cipher === undefined) side.noKey ??= this.#keyProblem ?? this.#unsupported ?? 'no keys';
      }
    }
    return describeServerHello(sh);
  }

  #cipher(crypto: SuiteCrypto, secret: Uint8Array, epoch: string, generation = 0): Cipher {
    const { key, iv } = trafficKeys(crypto.hash, secret, crypto.spec.keyLength, 12);
    return { spec: crypto.spec, key, iv, macKey: new Uint8Array(0), epoch, secret, generation };
  }

  #setup13(crypto: SuiteCrypto, ch: ClientHello): void {
    const logged = secretsFor(this.#keyLog, ch.random);
    const get = (label: string): Uint8Array | undefined => logged.get(label);
    const chts = get(KeyLogLabel.clientHandshakeTrafficSecret);
    const shts = get(KeyLogLabel.serverHandshakeTrafficSecret);
    const cts = get(KeyLogLabel.clientTrafficSecret0);
    const sts = get(KeyLogLabel.serverTrafficSecret0);
    const cets = get(KeyLogLabel.clientEarlyTrafficSecret);
    const pairs: [string, Uint8Array | undefined][] = [
      ['client_early_traffic_secret', cets],
      ['client_handshake_traffic_secret', chts],
      ['server_handshake_traffic_secret', shts],
      ['client_application_traffic_secret_0', cts],
      ['server_application_traffic_secret_0', sts],
      ['exporter_master_secret', get(KeyLogLabel.exporterSecret)],
      ['early_exporter_master_secret', get(KeyLogLabel.earlyExporterSecret)],
    ];
    for (const [name, value] of pairs) if (value !== undefined) this.#secrets[name] = toHex(value);
    const labels = [...logged.keys()];
    const cr = toHex(ch.random);
    if (labels.length === 0) {
      this.#keyProblem = this.#noKeyLogReason(ch, crypto);
      this.#source = 'no key log line for this session';
    } else {
      this.#source = `key log: ${labels.join(', ')} for client random ${cr}`;
    }
    const hash = crypto.hash;
    const n = crypto.spec.keyLength;
    this.#steps.push(
      `${crypto.suite.iana}: AEAD ${crypto.spec.kind === 'aead' ? crypto.spec.algorithm : '?'}, HKDF-${hash.toUpperCase()}, key ${n} bytes, IV 12 bytes`,
      'early_secret → handshake_secret → master_secret need the (EC)DHE shared secret, which never leaves the two peers and is in no key log: not shown',
      `[sender]_write_key = HKDF-Expand-Label(traffic_secret, "key", "", ${n}); [sender]_write_iv = HKDF-Expand-Label(traffic_secret, "iv", "", 12)`,
      `finished_key = HKDF-Expand-Label(handshake_traffic_secret, "finished", "", ${hashLength(hash)}); verify_data = HMAC(finished_key, Transcript-Hash)`,
      'nonce = write_iv XOR sequence number (RFC 8446 §5.3); AAD = the 5-byte record header',
    );
    this.#unavailable.push('early_secret', 'handshake_secret', 'master_secret', 'resumption_master_secret');
    const keys = (prefix: string, secret: Uint8Array | undefined, epoch: string): Cipher | undefined => {
      if (secret === undefined) return undefined;
      const c = this.#cipher(crypto, secret, epoch);
      this.#keys[`${prefix}_key`] = toHex(c.key);
      this.#keys[`${prefix}_iv`] = toHex(c.iv);
      return c;
    };
    const missing = (label: string): string =>
      `the key log has no ${label} line for client random ${cr.slice(0, 16)}…`;
    const early = ch.extensions.some((e) => e.type === 42)
      ? keys('client_early_write', cets, 'early')
      : undefined;
    const clientHs = keys('client_handshake_write', chts, 'handshake');
    const serverHs = keys('server_handshake_write', shts, 'handshake');
    const clientAp = keys('client_write', cts, 'application');
    const serverAp = keys('server_write', sts, 'application');
    if (chts !== undefined) {
      this.#handshake13.client = chts;
      this.#keys['client_finished_key'] = toHex(finishedKey(hash, chts));
    }
    if (shts !== undefined) {
      this.#handshake13.server = shts;
      this.#keys['server_finished_key'] = toHex(finishedKey(hash, shts));
    }
    const server = this.#sides.server;
    server.cipher = serverHs;
    server.noKey = serverHs
      ? undefined
      : (this.#keyProblem ?? missing(KeyLogLabel.serverHandshakeTrafficSecret));
    server.next = serverAp;
    server.nextNoKey = serverAp ? undefined : (this.#keyProblem ?? missing(KeyLogLabel.serverTrafficSecret0));
    const client = this.#sides.client;
    if (early !== undefined) {
      client.cipher = early;
      client.next = clientHs;
    } else {
      client.cipher = clientHs;
      client.next = clientAp;
    }
    client.noKey = client.cipher
      ? undefined
      : (this.#keyProblem ?? missing(KeyLogLabel.clientHandshakeTrafficSecret));
    client.nextNoKey = client.next
      ? undefined
      : (this.#keyProblem ?? missing(KeyLogLabel.clientTrafficSecret0));
    this.#pendingClientApplication = clientAp;
    this.#pendingClientApplicationNoKey = clientAp
      ? undefined
      : (this.#keyProblem ?? missing(KeyLogLabel.clientTrafficSecret0));
  }

  #pendingClientApplication: Cipher | undefined;
  #pendingClientApplicationNoKey: string | undefined;

  #noKeyLogReason(ch: ClientHello, crypto: SuiteCrypto): string {
    const cr = toHex(ch.random);
    const rsaGiven = (this.#input.rsaKeys?.length ?? 0) > 0;
    const lines = crypto.tls13
      ? `CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0 lines for client random ${cr}`
      : `a CLIENT_RANDOM ${cr} <master secret> line`;
    if (rsaGiven && crypto.kx !== 'rsa') {
      const what = crypto.tls13 ? 'TLS 1.3 (always ephemeral (EC)DHE)' : `${crypto.suite.kx} key exchange`;
      return `${what}: the server's private key only signs the handshake, so it cannot decrypt this session (forward secrecy); what would: a key log with ${lines}`;
    }
    const size = this.#keyLog.byClientRandom.size;
    return `no key log line for client random ${cr} (the key log has ${size} session${size === 1 ? '' : 's'}); what would: ${lines}`;
  }

  #setup12(crypto: SuiteCrypto, ch: ClientHello, sh: ServerHello): void {
    const logged = secretsFor(this.#keyLog, ch.random).get(KeyLogLabel.clientRandom);
    this.#steps.push(
      `${crypto.suite.iana}: ${crypto.spec.kind === 'aead' ? `AEAD ${crypto.spec.algorithm}` : `${crypto.spec.algorithm} + HMAC-${crypto.spec.mac.toUpperCase()}${this.#encryptThenMac ? ' (encrypt-then-MAC, RFC 7366)' : ' (MAC-then-encrypt)'}`}, PRF-${crypto.hash.toUpperCase()}`,
    );
    if (logged !== undefined) {
      this.#source = `key log: CLIENT_RANDOM ${toHex(ch.random)}`;
      this.#steps.push('master_secret: from the key log (CLIENT_RANDOM line)');
      this.#setMaster(crypto, ch, sh, logged);
      return;
    }
    const store = this.#input.resumption;
    if (this.#resumed && store !== undefined) {
      const fromId = store.get(`id:${toHex(sh.sessionId)}`);
      if (fromId !== undefined) {
        this.#source = `resumed session ${toHex(sh.sessionId).slice(0, 16)}…: master secret of an earlier session in this capture`;
        this.#steps.push('master_secret: carried over from the session this one resumes (same session ID)');
        this.#setMaster(crypto, ch, sh, fromId);
        return;
      }
    }
    if (ch.sessionTicket !== undefined && ch.sessionTicket.length > 0 && store !== undefined) {
      const fromTicket = store.get(`ticket:${toHex(ch.sessionTicket)}`);
      if (fromTicket !== undefined) {
        this.#resumed = true;
        this.#source = 'resumed session: master secret of the earlier session that issued this ticket';
        this.#steps.push(
          'master_secret: carried over from the session that issued the ticket the client presented',
        );
        this.#setMaster(crypto, ch, sh, fromTicket);
        return;
      }
    }
    if (
      crypto.kx === 'rsa' &&
      !this.#resumed &&
      (this.#input.rsaKeys?.length ?? 0) + this.#keyLog.rsaPreMaster.size > 0
    )
      return; // wait for the ClientKeyExchange
    this.#keyProblem = this.#resumed
      ? `resumed session: its master secret was made by an earlier handshake; what would decrypt it: a CLIENT_RANDOM ${toHex(ch.random)} <master secret> key log line`
      : this.#noKeyLogReason(ch, crypto);
    this.#source = 'no key log line for this session';
  }

  #setMaster(crypto: SuiteCrypto, ch: ClientHello, sh: ServerHello, master: Uint8Array): void {
    this.#master12 = master;
    this.#secrets['master_secret'] = toHex(master);
    const { sizes } = crypto;
    const block = keyBlock(crypto.hash, master, ch.random, sh.random, sizes);
    const total = 2 * (sizes.macLength + sizes.keyLength + sizes.ivLength);
    const parts = [
      sizes.macLength > 0
        ? `client_write_MAC_key[${sizes.macLength}] + server_write_MAC_key[${sizes.macLength}] + `
        : '',
      `client_write_key[${sizes.keyLength}] + server_write_key[${sizes.keyLength}] + client_write_IV[${sizes.ivLength}] + server_write_IV[${sizes.ivLength}]`,
    ].join('');
    this.#steps.push(
      `key_block = PRF(master_secret, "key expansion", server_random + client_random), ${total} bytes = ${parts}`,
    );
    if (crypto.spec.kind === 'aead' && crypto.spec.algorithm === 'chacha20-poly1305')
      this.#steps.push(
        'nonce = write_IV XOR sequence number (RFC 7905); AAD = seq_num + type + version + length',
      );
    else if (crypto.spec.kind === 'aead')
      this.#steps.push(
        'nonce = write_IV (4-byte salt) + the 8-byte explicit nonce at the start of each record; AAD = seq_num + type + version + length',
      );
    else
      this.#steps.push(
        `each record starts with its own IV (the key block's IVs go unused since TLS 1.1); MAC = HMAC-${crypto.spec.mac.toUpperCase()}(write_MAC_key, seq_num + type + version + length + ${this.#encryptThenMac ? 'IV + ciphertext)' : 'plaintext)'}`,
      );
    if (sizes.macLength > 0) {
      this.#keys['client_write_mac_key'] = toHex(block.client_write_mac_key);
      this.#keys['server_write_mac_key'] = toHex(block.server_write_mac_key);
    }
    this.#keys['client_write_key'] = toHex(block.client_write_key);
    this.#keys['server_write_key'] = toHex(block.server_write_key);
    this.#keys['client_write_iv'] = toHex(block.client_write_iv);
    this.#keys['server_write_iv'] = toHex(block.server_write_iv);
    const make = (key: Uint8Array, iv: Uint8Array, macKey: Uint8Array): Cipher => ({
      spec: crypto.spec,
      key,
      iv,
      macKey,
      epoch: 'encrypted',
      generation: 0,
    });
    this.#sides.client.pending12 = make(
      block.client_write_key,
      block.client_write_iv,
      block.client_write_mac_key,
    );
    this.#sides.server.pending12 = make(
      block.server_write_key,
      block.server_write_iv,
      block.server_write_mac_key,
    );
  }

  #onClientKeyExchange(body: Uint8Array): MessageDetail {
    const crypto = this.#crypto;
    const kx = crypto?.kx === 'rsa' ? 'rsa' : crypto?.kx === 'dhe' ? 'dhe' : 'ecdhe';
    const cke = parseClientKeyExchange(body, kx);
    if (!cke.ok) return failed('ClientKeyExchange', cke.error);
    if (cke.value.kind !== 'rsa')
      return plain('ClientKeyExchange', {
        key_exchange: kx.toUpperCase(),
        public_key: `${cke.value.publicKey.length} bytes`,
      });
    const encrypted = cke.value.encryptedPreMaster;
    const fields: Record<string, string | number | boolean | null> = {
      key_exchange: 'RSA',
      encrypted_pre_master_secret: `${encrypted.length} bytes`,
    };
    const ch = this.#clientHello;
    const sh = this.#serverHello;
    if (crypto === undefined || ch === undefined || sh === undefined || this.#master12 !== undefined)
      return plain('ClientKeyExchange', fields);
    let preMaster = this.#keyLog.rsaPreMaster.get(toHex(encrypted.subarray(0, 8)));
    let how = 'key log (RSA line)';
    if (preMaster === undefined) {
      const keys = this.#input.rsaKeys ?? [];
      const cert = this.#serverCertificate;
      const ordered =
        cert === undefined
          ? keys
          : [...keys].sort(
              (a, b) => Number(keyMatchesCertificate(b, cert)) - Number(keyMatchesCertificate(a, cert)),
            );
      const errors: string[] = [];
      for (const key of ordered) {
        const r = decryptPreMaster(key, encrypted);
        if (r.ok) {
          preMaster = r.value.preMaster;
          how = "the server's private key";
          if (r.value.version !== ch.legacyVersion)
            this.#warnings.push(
              `the pre-master secret starts with version ${r.value.version.toString(16)}, not the ClientHello's ${ch.legacyVersion.toString(16)}`,
            );
          break;
        }
        errors.push(r.error);
      }
      if (preMaster === undefined) {
        const matching = cert !== undefined && keys.some((k) => keyMatchesCertificate(k, cert));
        this.#keyProblem =
          keys.length === 0
            ? this.#noKeyLogReason(ch, crypto)
            : `RSA key exchange, but ${matching ? 'decrypting the pre-master secret failed' : "no private key given matches the server's certificate"}: ${errors[0] ?? ''}`;
        fields['pre_master_secret'] = 'not decrypted';
        return plain('ClientKeyExchange', fields);
      }
    }
    this.#secrets['pre_master_secret'] = toHex(preMaster);
    fields['pre_master_secret'] = `decrypted with ${how}`;
    this.#source = `pre-master secret from ${how}`;
    this.#steps.push(
      `pre_master_secret = RSAES-PKCS1-v1_5-Decrypt(server private key, ClientKeyExchange): 48 bytes, client_version ${toHex(preMaster.subarray(0, 2))} + 46 random bytes`,
    );
    let master: Uint8Array;
    if (sh.extendedMasterSecret) {
      const sessionHash = digest(crypto.hash, ...this.#transcript);
      this.#steps.push(
        `session_hash = ${crypto.hash.toUpperCase()}(ClientHello … ClientKeyExchange) = ${toHex(sessionHash)}`,
        'master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47] (RFC 7627)',
      );
      master = extendedMasterSecret(crypto.hash, preMaster, sessionHash);
    } else {
      this.#steps.push(
        'master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]',
      );
      master = masterSecretFromRandoms(crypto.hash, preMaster, ch.random, sh.random);
    }
    this.#setMaster(crypto, ch, sh, master);
    return plain('ClientKeyExchange', fields);
  }

  #onFinished(side: Side, body: Uint8Array): MessageDetail {
    const crypto = this.#crypto;
    const length = crypto === undefined ? undefined : this.#tls13 ? hashLength(crypto.hash) : 12;
    const fin = parseFinished(body, length);
    side.finished = true;
    if (this.#tls13) {
      side.switchAfterRecord = true;
      if (side.dir === 'client') {
        side.next = this.#pendingClientApplication;
        side.nextNoKey = this.#pendingClientApplicationNoKey;
      }
    } else if (
      side.dir === 'server' &&
      this.#master12 !== undefined &&
      this.#input.resumption !== undefined
    ) {
      // Remember the master secret so a later resumption of this session in the same capture can be read.
      const sh = this.#serverHello;
      if (sh !== undefined && sh.sessionId.length > 0)
        this.#input.resumption.set(`id:${toHex(sh.sessionId)}`, this.#master12);
      if (this.#ticket !== undefined)
        this.#input.resumption.set(`ticket:${toHex(this.#ticket)}`, this.#master12);
    }
    if (!fin.ok) return failed('Finished', fin.error);
    let expected: Uint8Array | undefined;
    if (crypto !== undefined && this.#tls13) {
      const base = this.#handshake13[side.dir];
      if (base !== undefined)
        expected = finishedVerifyData(crypto.hash, base, digest(crypto.hash, ...this.#transcript));
    } else if (crypto !== undefined && this.#master12 !== undefined) {
      expected = finishedVerifyData12(
        crypto.hash,
        this.#master12,
        side.dir,
        digest(crypto.hash, ...this.#transcript),
      );
    }
    const verified = expected === undefined ? null : equalBytes(expected, fin.value.verifyData);
    const fields: Record<string, string | null> = { verify_data: toHex(fin.value.verifyData) };
    if (verified === false && expected !== undefined) fields['expected'] = toHex(expected);
    if (verified === false)
      this.#warnings.push(`the ${side.dir} Finished does not match our transcript and keys`);
    return { name: 'Finished', fields, verified };
  }

  #onKeyUpdate(side: Side, body: Uint8Array): MessageDetail {
    const ku = parseKeyUpdate(body);
    if (!ku.ok) return failed('KeyUpdate', ku.error);
    const crypto = this.#crypto;
    const current = side.cipher;
    if (crypto !== undefined && current?.secret !== undefined) {
      const generation = current.generation + 1;
      const secret = nextTrafficSecret(crypto.hash, current.secret);
      side.next = this.#cipher(crypto, secret, `application_${generation}`, generation);
      this.#secrets[`${side.dir}_application_traffic_secret_${generation}`] = toHex(secret);
      this.#keys[`${side.dir}_write_key_${generation}`] = toHex(side.next.key);
      this.#keys[`${side.dir}_write_iv_${generation}`] = toHex(side.next.iv);
    } else {
      side.next = undefined;
      side.nextNoKey = side.noKey ?? 'no traffic secret to update';
    }
    side.switchAfterRecord = true;
    return plain('KeyUpdate', { update_requested: ku.value.updateRequested });
  }

  // ---- result ------------------------------------------------------------------------------

  #result(): TraceSession {
    const ch = this.#clientHello;
    const sh = this.#serverHello;
    const crypto = this.#crypto;
    const encrypted = this.#records.filter((r) => r.encrypted);
    const opened = encrypted.filter((r) => r.decrypted === true);
    let whyNot: string | null = null;
    if (ch === undefined) whyNot = 'no ClientHello: this is not the start of a TLS connection';
    else if (sh === undefined) {
      const alert = this.#records.find((r) => r.alert !== undefined)?.alert;
      whyNot = `no ServerHello: the handshake ended before the server chose its parameters${alert ? ` (alert ${alert.description} from ${this.#records.find((r) => r.alert)?.dir})` : ''}`;
    } else if (encrypted.length === 0) {
      const alert = this.#records.find((r) => r.alert !== undefined);
      whyNot = `no encrypted records: the handshake ended before any keys were in use${alert?.alert ? ` (alert ${alert.alert.description} from ${alert.dir})` : ''}`;
    } else if (opened.length < encrypted.length) {
      const failedTags = encrypted.filter((r) => r.tag_ok === false);
      const noKey = encrypted.find((r) => r.decrypted === false && r.tag_ok === undefined);
      if (failedTags.length > 0) {
        const first = failedTags[0]!;
        whyNot = `${failedTags.length} of ${encrypted.length} encrypted records failed authentication (first: ${first.dir} record seq ${first.seq}: ${first.error})`;
      } else whyNot = noKey?.error ?? this.#keyProblem ?? 'no keys';
      if (failedTags.length > 0 && noKey !== undefined) whyNot += `; ${noKey.error}`;
    }
    if (this.#keyProblem !== undefined && whyNot === null && opened.length === 0) whyNot = this.#keyProblem;
    const kx = this.#tls13
      ? sh?.pskSelectedIdentity !== undefined
        ? this.#group !== null
          ? `PSK + ECDHE (${this.#group})`
          : 'PSK'
        : `ECDHE (${this.#group ?? '?'})`
      : crypto !== undefined
        ? crypto.suite.kx
        : null;
    return {
      client: this.#input.client ?? 'client',
      server: this.#input.server ?? 'server',
      sni: ch?.serverName ?? null,
      version: sh ? (VERSION_NAMES[sh.selectedVersion] ?? `0x${sh.selectedVersion.toString(16)}`) : null,
      suite: sh ? (crypto?.suite.iana ?? `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`) : null,
      group: this.#group,
      key_exchange: sh ? kx : null,
      alpn: this.#alpn,
      resumed: this.#resumed,
      secrets: this.#secrets,
      keys: this.#keys,
      key_schedule: { source: this.#source, steps: this.#steps, unavailable: this.#unavailable },
      records: this.#records,
      decrypted: whyNot === null && opened.length > 0,
      why_not: whyNot,
      warnings: this.#warnings,
    };
  }
}

function newSide(dir: Direction): Side {
  return {
    dir,
    pending: new Uint8Array(0),
    broken: undefined,
    hs: new Uint8Array(0),
    encrypting: false,
    cipher: undefined,
    noKey: undefined,
    seq: 0,
    next: undefined,
    nextNoKey: undefined,
    switchAfterRecord: false,
    pending12: undefined,
    finished: false,
  };
}

const round = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;
