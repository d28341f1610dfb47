// One-line summaries of messages and records, shared by the text and HTML renderers.
import { Buffer } from 'node:buffer';
import type { MessageDetail, TraceRecord, TraceSession } from './types.ts';

type Field = MessageDetail['fields'][string] | undefined;

const many = (v: Field, limit = 4): string => {
  if (!Array.isArray(v)) return String(v ?? '');
  const shown = v.slice(0, limit).join(', ');
  return v.length > limit ? `${shown}, … (${v.length})` : shown;
};

const short = (hex: Field, n = 16): string => {
  const s = String(hex ?? '');
  return s.length > n ? `${s.slice(0, n)}…` : s;
};

/** What matters in a message, in one line (certificates get one line each). */
export function messageLines(d: MessageDetail): string[] {
  if (d.error !== undefined) return [`cannot decode: ${d.error}`];
  const f = d.fields;
  switch (d.name) {
    case 'ClientHello': {
      const parts = [
        `versions ${many((f['supported_versions'] as string[] | undefined)?.length ? f['supported_versions'] : [f['legacy_version'] as string])}`,
      ];
      if (f['sni']) parts.push(`SNI ${f['sni']}`);
      parts.push(`${(f['cipher_suites'] as string[]).length} cipher suites`);
      if ((f['key_shares'] as string[]).length > 0) parts.push(`key shares ${many(f['key_shares'], 3)}`);
      if ((f['alpn'] as string[]).length > 0) parts.push(`ALPN ${many(f['alpn'])}`);
      if (f['session_ticket'])
        parts.push(f['session_ticket'] === '0 bytes' ? 'asks for a ticket' : `ticket ${f['session_ticket']}`);
      if (f['psk_identities']) parts.push(`${f['psk_identities']} PSK identities`);
      if (f['early_data']) parts.push('early data');
      return [parts.join(' · '), `random ${short(f['random'], 32)}`];
    }
    case 'ServerHello':
    case 'HelloRetryRequest': {
      const parts = [String(f['version']), String(f['cipher_suite'])];
      if (f['key_share']) parts.push(`key share ${f['key_share']}`);
      if (f['alpn']) parts.push(`ALPN ${f['alpn']}`);
      if (f['extended_master_secret'] === true) parts.push('extended master secret');
      if (f['encrypt_then_mac'] === true) parts.push('encrypt-then-MAC');
      if (f['psk_selected_identity'] !== undefined) parts.push(`resumes PSK #${f['psk_selected_identity']}`);
      if (f['downgrade_sentinel']) parts.push(`downgrade sentinel ${f['downgrade_sentinel']}`);
      return [parts.join(' · '), `random ${short(f['random'], 32)}`];
    }
    case 'EncryptedExtensions': {
      const parts = [`extensions ${many(f['extensions'], 6) || 'none'}`];
      if (f['alpn']) parts.push(`ALPN ${f['alpn']}`);
      if (f['early_data_accepted']) parts.push('0-RTT accepted');
      if (f['early_data_rejected']) parts.push('0-RTT rejected: the server skips the early data');
      return [parts.join(' · ')];
    }
    case 'Certificate':
      return (f['certificates'] as string[]).length > 0
        ? [...(f['certificates'] as string[])]
        : ['no certificates'];
    case 'CertificateVerify':
      return [`${f['signature_scheme']} signature, ${f['signature']}`];
    case 'ServerKeyExchange':
      return [
        f['group'] !== undefined
          ? `ECDHE ${f['group']} public key ${f['public_key']} · signed ${f['signature_scheme']}`
          : `DHE ${f['dh_prime_bits']}-bit prime · public key ${f['public_key']} · signed ${f['signature_scheme']}`,
      ];
    case 'ClientKeyExchange':
      return [
        f['key_exchange'] === 'RSA'
          ? `RSA-encrypted pre-master secret, ${f['encrypted_pre_master_secret']}${f['pre_master_secret'] ? ` · ${f['pre_master_secret']}` : ''}`
          : `${f['key_exchange']} public key ${f['public_key']}`,
      ];
    case 'Finished': {
      const verdict =
        d.verified === true
          ? '✓ matches our computation'
          : d.verified === false
            ? `✗ does not match (expected ${short(f['expected'], 24)})`
            : '(no keys to check it)';
      return [`verify_data ${short(f['verify_data'], 24)} ${verdict}`];
    }
    case 'NewSessionTicket': {
      const parts = [`lifetime ${f['lifetime_seconds']} s`, `ticket ${f['ticket']}`];
      if (f['max_early_data'] !== undefined) parts.push(`0-RTT up to ${f['max_early_data']} B`);
      return [parts.join(' · ')];
    }
    case 'KeyUpdate':
      return [f['update_requested'] ? 'update requested from the peer too' : 'update not requested'];
    default: {
      const note = f['note'];
      return note ? [String(note)] : [];
    }
  }
}

/** The label drawn on a record's arrow. */
export function recordLabel(r: TraceRecord): string {
  if (r.messages && r.messages.length > 0)
    return r.messages.filter((m) => !m.startsWith('(')).join(', ') || 'handshake fragment';
  if (r.type === 'lost') return `⋯ ${r.length} bytes not captured ⋯`;
  if (r.epoch === 'unknown') return `${r.wire_type} (protection unknown)`;
  if (r.alert) return `Alert ${r.alert.description}`;
  if (r.type === 'application_data') return r.http ?? 'ApplicationData';
  if (r.encrypted && r.decrypted === false) return `${r.wire_type} (encrypted)`;
  return r.type;
}

/** Printable preview of decrypted application data (first lines, control bytes as dots). */
export function dataPreview(r: TraceRecord, maxLines = 3, width = 90): string[] {
  if (r.plaintext_b64 === undefined || r.type !== 'application_data') return [];
  const bytes = Buffer.from(r.plaintext_b64, 'base64');
  const text = bytes.subarray(0, 1024).toString('latin1');
  const lines = text.split('\r\n').slice(0, maxLines);
  const out = lines.map((l) => {
    const clean = l.replace(/[^\x20-\x7e]/g, '.');
    return clean.length > width ? `${clean.slice(0, width)}…` : clean;
  });
  if (bytes.length > 0 && out.every((l) => l === '')) return [`${bytes.length} bytes`];
  return out.filter((l, i) => l !== '' || i === 0);
}

/** The session's headline facts (version, suite, key exchange, ALPN, resumed), for text and HTML alike. */
export function sessionFacts(s: Omit<TraceSession, 'records'>): string[] {
  const facts = [
    s.version ?? 'no ServerHello',
    s.suite,
    s.key_exchange,
    s.alpn ? `ALPN ${s.alpn}` : null,
    s.resumed ? 'resumed' : null,
  ];
  return facts.filter((f): f is string => f !== null);
}
