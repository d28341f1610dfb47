// The NSS key log format (SSLKEYLOGFILE), as written by OpenSSL, Node's 'keylog' event, curl,
// browsers and `tlsterm serve`: "<LABEL> <client_random hex> <secret hex>" per line, '#'
// comments. TLS 1.2 sessions log CLIENT_RANDOM (the master secret); TLS 1.3 logs each traffic
// secret. NSS's "RSA <first 8 bytes of encrypted pre-master> <pre-master>" is keyed differently.
import { fromHex, toHex } from './bytes.ts';

export const KeyLogLabel = {
  clientRandom: 'CLIENT_RANDOM',
  clientEarlyTrafficSecret: 'CLIENT_EARLY_TRAFFIC_SECRET',
  clientHandshakeTrafficSecret: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  serverHandshakeTrafficSecret: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  clientTrafficSecret0: 'CLIENT_TRAFFIC_SECRET_0',
  serverTrafficSecret0: 'SERVER_TRAFFIC_SECRET_0',
  earlyExporterSecret: 'EARLY_EXPORTER_SECRET',
  exporterSecret: 'EXPORTER_SECRET',
  rsa: 'RSA',
} as const;

const CLIENT_RANDOM_LABELS: ReadonlySet<string> = new Set(
  Object.values(KeyLogLabel).filter((l) => l !== KeyLogLabel.rsa),
);

export interface KeyLogProblem {
  readonly line: number;
  readonly message: string;
}

export interface KeyLog {
  /** client random (hex) → label → secret. */
  readonly byClientRandom: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
  /** First 8 bytes of the encrypted pre-master secret (hex) → pre-master secret. */
  readonly rsaPreMaster: ReadonlyMap<string, Uint8Array>;
  /** Lines that were not understood: reported, never fatal. */
  readonly problems: readonly KeyLogProblem[];
  /** Lines read (secrets, not comments or blanks). */
  readonly lines: number;
}

export function parseKeyLog(text: string): KeyLog {
  const byClientRandom = new Map<string, Map<string, Uint8Array>>();
  const rsaPreMaster = new Map<string, Uint8Array>();
  const problems: KeyLogProblem[] = [];
  let lines = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    const [label, id, secret] = words;
    const at = index + 1;
    if (words.length !== 3 || label === undefined || id === undefined || secret === undefined) {
      problems.push({ line: at, message: 'expected three fields: LABEL CLIENT_RANDOM SECRET' });
      return;
    }
    const idBytes = fromHex(id);
    const secretBytes = fromHex(secret);
    if (idBytes === undefined || secretBytes === undefined || secretBytes.length === 0) {
      problems.push({ line: at, message: `${label}: the second and third fields must be hex` });
      return;
    }
    if (label === KeyLogLabel.rsa) {
      if (idBytes.length !== 8) {
        problems.push({
          line: at,
          message: 'RSA: the second field must be 8 bytes of encrypted pre-master secret',
        });
        return;
      }
      rsaPreMaster.set(toHex(idBytes), secretBytes);
      lines++;
      return;
    }
    if (!CLIENT_RANDOM_LABELS.has(label)) {
      problems.push({ line: at, message: `unknown label ${label}` });
      return;
    }
    if (idBytes.length !== 32) {
      problems.push({
        line: at,
        message: `${label}: the client random must be 32 bytes, not ${idBytes.length}`,
      });
      return;
    }
    const key = toHex(idBytes);
    const entry = byClientRandom.get(key) ?? new Map<string, Uint8Array>();
    byClientRandom.set(key, entry);
    entry.set(label, secretBytes);
    lines++;
  });
  return { byClientRandom, rsaPreMaster, problems, lines };
}

/** Two key logs as one (later lines win), e.g. a file plus the secrets embedded in a pcapng. */
export function mergeKeyLogs(...logs: readonly KeyLog[]): KeyLog {
  const byClientRandom = new Map<string, Map<string, Uint8Array>>();
  const rsaPreMaster = new Map<string, Uint8Array>();
  const problems: KeyLogProblem[] = [];
  let lines = 0;
  for (const log of logs) {
    for (const [cr, secrets] of log.byClientRandom) {
      const entry = byClientRandom.get(cr) ?? new Map<string, Uint8Array>();
      byClientRandom.set(cr, entry);
      for (const [label, secret] of secrets) entry.set(label, secret);
    }
    for (const [k, v] of log.rsaPreMaster) rsaPreMaster.set(k, v);
    problems.push(...log.problems);
    lines += log.lines;
  }
  return { byClientRandom, rsaPreMaster, problems, lines };
}

export const EMPTY_KEY_LOG: KeyLog = parseKeyLog('');

/** The secrets logged for one client random (empty when none). */
export function secretsFor(log: KeyLog, clientRandom: Uint8Array): ReadonlyMap<string, Uint8Array> {
  return log.byClientRandom.get(toHex(clientRandom)) ?? new Map();
}

/** One key log line. */
export function formatKeyLogLine(label: string, clientRandom: Uint8Array, secret: Uint8Array): string {
  return `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
}
