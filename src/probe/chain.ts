// A served certificate chain, judged the way a strict client judges it: the path from the leaf to
// a trust anchor using only what the server sent (plus the anchors), every signature verified,
// every certificate in date, the leaf naming the host asked for. Also what a careful operator
// wants to know: the order on the wire, intermediates missing or superfluous, weak keys and hashes.
import crypto from 'node:crypto';
import net from 'node:net';
// The modules, not certs/index.ts: the index pulls in @peculiar/x509 (issuing), which probe's
// start-up does not need.
import { oneLineName } from '../certs/load-pair.ts';
import { coveredBy, parseSubjectAltName } from '../certs/names.ts';
import type { CertificateFinding, ChainReport } from './report.ts';
import type { TrustStore } from './trust-store.ts';

const DAY_MS = 86_400_000;
/** Leaves expiring within this many days get a problem line (certbot renews at 30). */
export const EXPIRY_WARNING_DAYS = 14;

const CURVES: Readonly<Record<string, [string, number]>> = {
  prime256v1: ['P-256', 256],
  secp384r1: ['P-384', 384],
  secp521r1: ['P-521', 521],
  secp256k1: ['secp256k1', 256],
  brainpoolP256r1: ['brainpoolP256r1', 256],
  brainpoolP384r1: ['brainpoolP384r1', 384],
  brainpoolP512r1: ['brainpoolP512r1', 512],
};

export function describeKey(key: crypto.KeyObject): { key: string; type: string; bits: number } {
  const type = key.asymmetricKeyType ?? 'unknown';
  const d = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = d.modulusLength ?? 0;
      return { key: `${type === 'rsa' ? 'RSA' : 'RSA-PSS'} ${bits}`, type: 'RSA', bits };
    }
    case 'ec': {
      const curve = d.namedCurve ?? 'unknown';
      const [name, bits] = CURVES[curve] ?? [curve, Number(/\d{3}/.exec(curve)?.[0] ?? 0)];
      return { key: `EC ${name}`, type: 'EC', bits };
    }
    case 'ed25519':
      return { key: 'Ed25519', type: 'EdDSA', bits: 256 };
    case 'ed448':
      return { key: 'Ed448', type: 'EdDSA', bits: 456 };
    case 'dsa':
      return { key: `DSA ${d.modulusLength ?? 0}`, type: 'DSA', bits: d.modulusLength ?? 0 };
    default:
      return { key: type.toUpperCase(), type: type.toUpperCase(), bits: 0 };
  }
}

const issuedBy = (child: crypto.X509Certificate, parent: crypto.X509Certificate): boolean => {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
};

const selfSigned = (c: crypto.X509Certificate): boolean => issuedBy(c, c);
const name = (dn: string): string => oneLineName(dn);

function finding(c: crypto.X509Certificate, now: Date): CertificateFinding {
  const k = describeKey(c.publicKey);
  const notBefore = c.validFromDate;
  const notAfter = c.validToDate;
  return {
    subject: name(c.subject),
    issuer: name(c.issuer),
    serial: c.serialNumber,
    not_before: notBefore.toISOString(),
    not_after: notAfter.toISOString(),
    days_left: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    expired: notAfter.getTime() < now.getTime(),
    not_yet_valid: notBefore.getTime() > now.getTime(),
    key: k.key,
    key_type: k.type,
    key_bits: k.bits,
    signature_algorithm: c.signatureAlgorithm ?? 'unknown',
    self_signed: selfSigned(c),
    ca: c.ca,
    san: parseSubjectAltName(c.subjectAltName),
    sha256: c.fingerprint256.replaceAll(':', '').toLowerCase(),
  };
}

function weakKey(f: CertificateFinding): string | undefined {
  if (f.key_type === 'RSA' && f.key_bits < 2048) return `${f.key} bits is too short (minimum 2048)`;
  if (f.key_type === 'EC' && f.key_bits < 256) return `${f.key} is too small (minimum 256 bits)`;
  if (f.key_type === 'DSA') return `${f.key}: DSA keys are obsolete`;
  return undefined;
}

export interface ChainOptions {
  readonly store: TrustStore;
  /** The name the client asked for (SNI or host); null: not checked (an IP target without --sni). */
  readonly name: string | null;
  readonly order: 'as-sent' | 'path';
  readonly now?: Date;
}

export function analyzeChain(ders: readonly Uint8Array[], opts: ChainOptions): ChainReport {
  const now = opts.now ?? new Date();
  const problems: string[] = [];
  const certs: crypto.X509Certificate[] = [];
  ders.forEach((der, i) => {
    try {
      certs.push(new crypto.X509Certificate(der));
    } catch {
      problems.push(`certificate #${i + 1} cannot be parsed`);
    }
  });
  const certificates = certs.map((c) => finding(c, now));
  const base = { certificates, order: opts.order, trust_store: opts.store.label, name: opts.name };
  if (certs.length === 0) {
    return {
      ...base,
      order_ok: false,
      complete: false,
      missing: [],
      extra: [],
      trusted: false,
      trust_error: 'the server sent no certificate',
      name_match: null,
      problems: [...problems, 'the server sent no certificate'],
    };
  }

  // The leaf should come first; if a CA certificate does, look for the end-entity elsewhere.
  let leafIndex = 0;
  if (certs[0]!.ca) {
    const other = certs.findIndex((c) => !c.ca);
    if (other > 0) leafIndex = other;
  }
  const leaf = certs[leafIndex]!;

  const used = new Set<number>([leafIndex]);
  const pathIndexes: number[] = [leafIndex]; // -1 marks certificates taken from the store
  const missing: string[] = [];
  let trusted = false;
  let trustError: string | null = null;
  let cur = leaf;
  for (let depth = 0; depth < 12; depth++) {
    if (opts.store.fingerprints.has(cur.fingerprint256)) {
      trusted = true;
      break;
    }
    if (selfSigned(cur)) {
      trustError = `${cur === leaf ? 'the certificate is self-signed' : `the root "${name(cur.subject)}" is not a trusted CA`} (trust store: ${opts.store.label})`;
      break;
    }
    const sent = certs.findIndex((c, i) => !used.has(i) && issuedBy(cur, c));
    if (sent >= 0) {
      used.add(sent);
      pathIndexes.push(sent);
      cur = certs[sent]!;
      continue;
    }
    const fromStore = opts.store.bySubject.get(cur.issuer)?.find((a) => issuedBy(cur, a));
    if (fromStore) {
      pathIndexes.push(-1);
      if (!selfSigned(fromStore)) {
        missing.push(name(fromStore.subject));
        problems.push(
          `incomplete chain: the server does not send the intermediate "${name(fromStore.subject)}" (found in the trust store; clients without it fail)`,
        );
      }
      trusted = true;
      break;
    }
    if (cur === leaf || !cur.ca) {
      missing.push(name(cur.issuer));
      trustError = `incomplete chain: "${name(cur.issuer)}", the issuer of "${name(cur.subject)}", was not sent and is not in the trust store (${opts.store.label})`;
    } else {
      trustError = `unknown CA: "${name(cur.issuer)}", the issuer of "${name(cur.subject)}", is not in the trust store (${opts.store.label})`;
    }
    break;
  }

  // Dates along the path (an expired anchor in the store is the store's business).
  for (const i of pathIndexes) {
    if (i < 0) continue;
    const f = certificates[i]!;
    const date = f.expired
      ? `"${f.subject}" expired on ${f.not_after.slice(0, 10)}`
      : f.not_yet_valid
        ? `"${f.subject}" is not valid before ${f.not_before.slice(0, 10)}`
        : undefined;
    if (date === undefined) continue;
    trusted = false;
    // Said once: as the reason it is not trusted, or after that reason when there is another.
    if (trustError === null) trustError = date;
    else problems.push(date);
  }
  const leafFinding = certificates[leafIndex]!;
  if (!leafFinding.expired && leafFinding.days_left < EXPIRY_WARNING_DAYS)
    problems.push(
      `the leaf expires in ${leafFinding.days_left} days (${leafFinding.not_after.slice(0, 10)})`,
    );

  // Order on the wire: leaf first, each certificate followed by its issuer.
  const sentPath = pathIndexes.filter((i) => i >= 0);
  let orderOk = leafIndex === 0;
  for (let k = 1; k < sentPath.length; k++) if (sentPath[k] !== sentPath[k - 1]! + 1) orderOk = false;
  if (opts.order === 'path') orderOk = true;
  else if (!orderOk) problems.push('the certificates are not in order (leaf first, then each issuer)');

  const extra = certs.flatMap((c, i) => (used.has(i) ? [] : [name(c.subject)]));
  for (const e of extra) problems.push(`"${e}" is sent but not part of the chain`);
  const rootSent = sentPath.length > 1 && certificates[sentPath[sentPath.length - 1]!]!.self_signed;
  if (rootSent) problems.push('the server sends the root certificate (harmless: clients use their own copy)');

  for (const i of sentPath) {
    const f = certificates[i]!;
    const weak = weakKey(f);
    if (weak) problems.push(`"${f.subject}": ${weak}`);
    if (!f.self_signed && /sha1|md5/i.test(f.signature_algorithm))
      problems.push(`"${f.subject}" is signed with ${f.signature_algorithm} (clients reject SHA-1 and MD5)`);
  }

  let nameMatch: boolean | null = null;
  if (opts.name !== null) {
    nameMatch = net.isIP(opts.name)
      ? leaf.checkIP(opts.name) !== undefined
      : coveredBy(opts.name, leafFinding.san);
    if (!nameMatch)
      problems.push(
        `the leaf does not cover "${opts.name}" (names: ${leafFinding.san.join(', ') || 'none'})`,
      );
  }
  if (!trusted && trustError) problems.unshift(`not trusted: ${trustError}`);

  return {
    ...base,
    order_ok: orderOk,
    complete: missing.length === 0,
    missing,
    extra,
    trusted,
    trust_error: trusted ? null : trustError,
    name_match: nameMatch,
    problems,
  };
}
