// What one traced TLS connection knows while it is read: per direction, the keys in use and the
// bytes not yet read; for the session, the hellos, secrets, key schedule and the tallies the
// verdict is made from. Shared by the record loop (session.ts), the handshake (session-handshake.ts)
// and the TLS 1.2 / 1.3 key handling (session-keys12.ts, session-keys13.ts).
import type { KeyObject } from 'node:crypto';
import type { ClientHello } from '../wire/client-hello.ts';
import { EMPTY_KEY_LOG, type KeyLog } from '../wire/keylog.ts';
import type { CipherSpec } from '../wire/record-protection.ts';
import type { ServerHello } from '../wire/server-hello.ts';
import type { SuiteCrypto } from './suite-crypto.ts';
import type { Chunk, Direction, TraceRecord } from './types.ts';

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

export interface Cipher {
  readonly spec: CipherSpec;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly macKey: Uint8Array;
  readonly epoch: string;
  /** TLS 1.3 record format (early data is TLS 1.3 before any ServerHello says so). */
  readonly tls13: boolean;
  /** TLS 1.3 traffic secret, for KeyUpdate. */
  readonly secret?: Uint8Array;
  readonly generation: number;
}

export interface Side {
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
  /** Client in 0-RTT: early data keys for each TLS 1.3 suite it offered, until one opens a record. */
  earlyCandidates: readonly Cipher[];
  early: boolean;
  /** After bytes were lost: looking for the next record header. */
  resync: boolean;
  /** After bytes were lost: the sequence number may have moved on by the records lost. */
  seqUnsure: boolean;
  /** Bytes of this direction never read: lost, skipped to resynchronise, or left incomplete. */
  unread: number;
  lost: number;
}

export interface Tally {
  encrypted: number;
  opened: number;
  failedTags: number;
  firstFailed: TraceRecord | undefined;
  firstNoKey: TraceRecord | undefined;
  firstAlert: TraceRecord | undefined;
  unknown: number;
}

export interface SessionState {
  readonly input: TraceSessionInput;
  readonly keyLog: KeyLog;
  readonly sides: Record<Direction, Side>;
  readonly warnings: string[];
  readonly secrets: Record<string, string>;
  readonly keys: Record<string, string>;
  readonly steps: string[];
  readonly unavailable: string[];
  readonly tally: Tally;
  source: string;
  clientHello: ClientHello | undefined;
  serverHello: ServerHello | undefined;
  crypto: SuiteCrypto | undefined;
  unsupported: string | undefined;
  tls13: boolean;
  transcript: Uint8Array[];
  master12: Uint8Array | undefined;
  handshake13: { client?: Uint8Array; server?: Uint8Array };
  serverCertificate: Uint8Array | undefined;
  group: string | null;
  alpn: string | null;
  resumed: boolean;
  keyProblem: string | undefined;
  encryptThenMac: boolean;
  ticket: Uint8Array | undefined;
  earlyOffered: boolean;
  /** TLS 1.2 renegotiations seen (a ClientHello after the first handshake). */
  renegotiations: number;
  pendingClientApplication: Cipher | undefined;
  pendingClientApplicationNoKey: string | undefined;
}

export function newSide(dir: Direction): Side {
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
    earlyCandidates: [],
    early: false,
    resync: false,
    seqUnsure: false,
    unread: 0,
    lost: 0,
  };
}

export function newSessionState(input: TraceSessionInput): SessionState {
  return {
    input,
    keyLog: input.keyLog ?? EMPTY_KEY_LOG,
    sides: { client: newSide('client'), server: newSide('server') },
    warnings: [...(input.warnings ?? [])],
    secrets: {},
    keys: {},
    steps: [],
    unavailable: [],
    tally: {
      encrypted: 0,
      opened: 0,
      failedTags: 0,
      firstFailed: undefined,
      firstNoKey: undefined,
      firstAlert: undefined,
      unknown: 0,
    },
    source: 'no secrets',
    clientHello: undefined,
    serverHello: undefined,
    crypto: undefined,
    unsupported: undefined,
    tls13: false,
    transcript: [],
    master12: undefined,
    handshake13: {},
    serverCertificate: undefined,
    group: null,
    alpn: null,
    resumed: false,
    keyProblem: undefined,
    encryptThenMac: false,
    ticket: undefined,
    earlyOffered: false,
    renegotiations: 0,
    pendingClientApplication: undefined,
    pendingClientApplicationNoKey: undefined,
  };
}
