// The lesson of one connection: its own records decoded and decrypted by trace's session reader
// with its own secrets, the facts a seed reader asks about (forward secrecy, resumption,
// post-quantum, HRR), the chain it was served and why a client could trust it, and "what if".

import { X509Certificate } from 'node:crypto';
import { defaultRoots, issuedBy, pemBlocks, selfSigned } from '../../certs/index.ts';
import type { CertificatePair } from '../../certs/pair.ts';
import type { OwnHandshake } from '../../http/index.ts';
import { suiteByName, type TlsPolicy } from '../../tls/index.ts';
import { type TraceSession, traceSession } from '../../trace/index.ts';
import { concatBytes, parseKeyLog, sniffClientHello } from '../../wire/index.ts';
import type { SigningKey } from '../handshake/index.ts';
import { type WhatIf, whatIf } from './what-if.ts';

export interface LessonFact {
  readonly value: boolean;
  readonly why: string;
}

export interface ChainCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly key: string;
  readonly not_before: string;
  readonly not_after: string;
  readonly serial: string;
  readonly names: string | null;
}

export interface Lesson {
  /** False when this connection recorded nothing (it was made for a site that does not record). */
  readonly recorded: boolean;
  readonly note?: string;
  readonly session?: TraceSession;
  readonly truncated?: OwnHandshake['truncated'];
  readonly forward_secrecy: LessonFact;
  readonly resumed: LessonFact & { readonly by?: string; readonly ticket_key?: string };
  readonly post_quantum: LessonFact;
  readonly hello_retry: LessonFact;
  readonly chain: readonly ChainCertificate[];
  readonly trust: string;
  readonly what_if: readonly WhatIf[];
}

export interface LessonInput {
  readonly own: OwnHandshake | undefined;
  readonly facts: Readonly<Record<string, unknown>>;
  readonly policy: TlsPolicy;
  readonly keys: readonly SigningKey[] | undefined;
  readonly pairs: readonly CertificatePair[];
  readonly client: string;
  readonly server: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function buildLesson(input: LessonInput): Lesson {
  const { own, facts } = input;
  const version = str(facts.version);
  const suite = suiteByName(str((facts.cipher as { iana?: unknown } | undefined)?.iana) ?? '');
  const group = str(facts.group);
  const forward: LessonFact =
    version === 'TLS1.3'
      ? {
          value: true,
          why: 'TLS 1.3 derives every key from an (EC)DHE exchange; the certificate key only signs.',
        }
      : suite?.kx === 'RSA'
        ? {
            value: false,
            why: "RSA key exchange: the pre-master secret crossed the wire encrypted with the server's RSA key, so whoever holds that key can decrypt a recording of this connection.",
          }
        : {
            value: true,
            why: `${suite?.kx ?? '(EC)DHE'} key exchange: ephemeral keys, thrown away after the handshake.`,
          };
  const resumption = own?.resumption ?? {};
  const resumedBy = str(resumption.resumed_by);
  const ticketKey = str(resumption.ticket_key);
  const resumed = facts.resumed === true;
  const pair = servedPair(input.pairs, str(facts.signature_algorithm));
  const chain = pair === undefined ? [] : chainOf(pair);
  const hello = own === undefined ? undefined : ownHello(own);
  const base = {
    forward_secrecy: forward,
    resumed: {
      value: resumed,
      why: resumed
        ? `resumed by ${resumedBy === 'ticket' ? `a session ticket (ticket key ${ticketKey ?? '?'}…)` : 'session id'}: no certificate was sent and no new key exchange ${version === 'TLS1.3' ? 'beyond the (EC)DHE that TLS 1.3 resumption still does' : 'happened'}.`
        : 'a full handshake: certificate, key exchange, signature.',
      ...(resumedBy !== undefined ? { by: resumedBy } : {}),
      ...(ticketKey !== undefined ? { ticket_key: ticketKey } : {}),
    },
    post_quantum: {
      value: group === 'X25519MLKEM768',
      why:
        group === 'X25519MLKEM768'
          ? 'the key exchange was X25519MLKEM768: X25519 and ML-KEM-768 together.'
          : `the key exchange was ${group ?? 'not an (EC)DH group'}: classical only.`,
    },
    hello_retry: {
      value: facts.hello_retry === true,
      why:
        facts.hello_retry === true
          ? 'your first key share was for a group the server does not take first, so it asked again (one more round trip).'
          : 'your first key share was usable.',
    },
    chain,
    trust: chain.length === 0 ? 'no certificate in service to show' : trustOf(pair?.certPem ?? ''),
    what_if: hello === undefined ? [] : whatIf(hello, input.policy, input.keys),
  };
  if (own === undefined)
    return {
      recorded: false,
      note: 'This connection was made for a site that does not record its handshake (only sites serving inspect do): open this page on its own name for the ladder and the keys.',
      ...base,
    };
  const session = traceSession({
    chunks: own.chunks,
    keyLog: parseKeyLog(own.keyLog.join('\n')),
    client: input.client,
    server: input.server,
  });
  return { recorded: true, session, truncated: own.truncated, ...base };
}

/** The ClientHello this connection began with, read back from its own bytes. */
function ownHello(own: OwnHandshake) {
  const bytes = concatBytes(own.chunks.filter((c) => c.dir === 'client').map((c) => c.data));
  const v = sniffClientHello(bytes, bytes.length);
  return v.kind === 'client-hello' ? v.hello : undefined;
}

/** The pair whose key made the signature (EC or RSA), else the first. */
function servedPair(
  pairs: readonly CertificatePair[],
  sigalg: string | undefined,
): CertificatePair | undefined {
  const want =
    sigalg === undefined ? undefined : /^ecdsa/.test(sigalg) ? 'ec' : /^rsa/.test(sigalg) ? 'rsa' : sigalg;
  return pairs.find((p) => p.keyType === want) ?? pairs[0];
}

function keyOf(x: X509Certificate): string {
  const k = x.publicKey;
  const d = k.asymmetricKeyDetails;
  if (k.asymmetricKeyType === 'rsa') return `RSA ${d?.modulusLength ?? '?'}`;
  if (k.asymmetricKeyType === 'ec') return `EC ${d?.namedCurve ?? '?'}`;
  return String(k.asymmetricKeyType ?? 'unknown');
}

function certsOf(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const b of pemBlocks(pem)) {
    if (b.label !== 'CERTIFICATE') continue;
    try {
      out.push(new X509Certificate(b.text));
    } catch {
      // check refuses unreadable chains; nothing to show for one here
    }
  }
  return out;
}

function chainOf(pair: CertificatePair): ChainCertificate[] {
  return certsOf(pair.certPem).map((x) => ({
    subject: x.subject.replaceAll('\n', ', '),
    issuer: x.issuer.replaceAll('\n', ', '),
    key: keyOf(x),
    not_before: new Date(x.validFrom).toISOString(),
    not_after: new Date(x.validTo).toISOString(),
    serial: x.serialNumber,
    names: x.subjectAltName ?? null,
  }));
}

/** Why a client could trust this chain, in words. */
function trustOf(pem: string): string {
  const certs = certsOf(pem);
  const last = certs.at(-1);
  if (last === undefined) return 'no certificate';
  const roots = defaultRoots().get(last.issuer) ?? [];
  const root = roots.find((r) => issuedBy(last, r));
  if (root !== undefined)
    return `The chain ends at a certificate issued by "${root.subject.replaceAll('\n', ', ')}", a root in the trust store Node bundles (Mozilla's) and most systems and browsers ship: clients trust it without being told.`;
  if (selfSigned(last) && certs.length === 1)
    return 'Self-signed: a client trusts it only when told to trust this very certificate (curl --cacert, a browser exception).';
  if (/tlsterm local CA/.test(last.issuer))
    return `Issued by tlsterm's local CA ("${last.issuer.replaceAll('\n', ', ')}"), made on this machine: only clients that were given its ca.pem (the state directory's ca/ca.pem; curl --cacert, or installed in a trust store) trust it.`;
  return `The chain ends below "${last.issuer.replaceAll('\n', ', ')}", which is not in the trust store Node bundles: a private CA, trusted only by clients that were given its root.`;
}
