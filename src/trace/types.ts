// The shape of a trace: what `--format json` prints, what the text and HTML renderers read. Field
// names are the JSON names (snake_case), so the object is its own serialisation.

export type Direction = 'client' | 'server';

/** Bytes one side sent, in the order they were seen on the wire. */
export interface Chunk {
  readonly dir: Direction;
  readonly data: Uint8Array;
  /** Seconds since the Unix epoch (a capture's timestamps, or when a live socket saw them). */
  readonly time?: number;
  /** Bytes of this direction lost just before `data` (never captured); `data` may then be empty. */
  readonly gap?: number;
}

/** One decoded handshake message: its name and the facts worth showing, in display order. */
export interface MessageDetail {
  readonly name: string;
  /** Facts as label → value, e.g. { cipher_suite: 'TLS_AES_128_GCM_SHA256' }. */
  readonly fields: Readonly<Record<string, string | number | boolean | readonly string[] | null>>;
  /** Finished: whether verify_data matched our own computation (null: no keys to check with). */
  readonly verified?: boolean | null;
  readonly error?: string;
}

export interface TraceRecord {
  readonly dir: Direction;
  /** The record's sequence number under its keys (what the nonce is built from); null for TLS 1.3 compatibility CCS. */
  readonly seq: number | null;
  /** Content type: for TLS 1.3 protected records, the inner type once decrypted. */
  readonly type: string;
  /** Content type in the record header. */
  readonly wire_type: string;
  /** Fragment length on the wire. */
  readonly length: number;
  /** Seconds since the session's first byte; null when the input had no times. */
  readonly time: number | null;
  readonly encrypted: boolean;
  /** plaintext | early | handshake | application | application_N (after N KeyUpdates). */
  readonly epoch: string;
  /** Encrypted records only: whether we opened it. */
  readonly decrypted: boolean | null;
  readonly nonce?: string;
  readonly tag?: string;
  /** The AEAD tag or record MAC verified. */
  readonly tag_ok?: boolean;
  readonly messages?: readonly string[];
  readonly details?: readonly MessageDetail[];
  readonly alert?: { readonly level: string; readonly description: string };
  /** First line of HTTP seen in application data. */
  readonly http?: string;
  readonly plaintext_b64?: string;
  readonly error?: string;
}

export interface KeyScheduleExplanation {
  /** Where the secrets came from, in words. */
  readonly source: string;
  /** The derivation, step by step, as printed in the ladder. */
  readonly steps: readonly string[];
  /** Secrets this session's inputs cannot yield, with the reason in `steps`. */
  readonly unavailable: readonly string[];
}

export interface TraceSession {
  readonly client: string;
  readonly server: string;
  readonly sni: string | null;
  readonly version: string | null;
  readonly suite: string | null;
  readonly group: string | null;
  readonly key_exchange: string | null;
  readonly alpn: string | null;
  readonly resumed: boolean;
  readonly secrets: Readonly<Record<string, string>>;
  readonly keys: Readonly<Record<string, string>>;
  readonly key_schedule: KeyScheduleExplanation;
  readonly records: readonly TraceRecord[];
  readonly decrypted: boolean;
  readonly why_not: string | null;
  readonly warnings: readonly string[];
}

export interface TraceReport {
  readonly sessions: readonly TraceSession[];
}
