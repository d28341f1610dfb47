// Problems the grade does not count, each said once, so they are seen without reading every
// detail section: chain order and extra certificates, a leaf about to expire, SHA-1 signatures,
// client-initiated renegotiation (with RFC 5746), the heartbeat extension, no extended master
// secret, and chains served only for other names. Pure.
import { isNo, isYes } from './finding.ts';
import type { Findings, ServedCertificate, UngradedProblem } from './report.ts';

const EXPIRY_WARNING_DAYS = 14;

const servedWho = (c: ServedCertificate): string => (c.sni === null ? 'without SNI' : `for SNI ${c.sni}`);

export function ungradedProblems(f: Omit<Findings, 'ungraded_problems'>): UngradedProblem[] {
  const out: UngradedProblem[] = [];
  const add = (check: string, detail: string): void => {
    if (!out.some((p) => p.check === check && p.detail === detail)) out.push({ check, detail });
  };
  for (const c of f.certificates.filter((x) => x.served_for_name)) {
    const chain = c.chain;
    const who = `the ${c.key} chain`;
    if (!chain.order_ok) add('chain_order', `${who} is sent out of order (leaf first, then each issuer)`);
    for (const e of chain.extra) add('chain_extra', `${who} carries "${e}", which is not part of it`);
    const leaf = chain.certificates[0];
    if (leaf && !leaf.expired && leaf.days_left < EXPIRY_WARNING_DAYS)
      add('expiring', `"${leaf.subject}" expires in ${leaf.days_left} days (${leaf.not_after.slice(0, 10)})`);
    for (const cert of chain.certificates)
      if (!cert.self_signed && /sha1|md5/i.test(cert.signature_algorithm))
        add('weak_signature', `"${cert.subject}" is signed with ${cert.signature_algorithm}`);
  }
  const name = f.chain?.name ?? f.sni ?? f.target;
  for (const c of f.certificates.filter((x) => !x.served_for_name)) {
    if (c.chain.problems.length === 0) continue;
    add(
      'other_certificate',
      `the ${c.key} chain served ${servedWho(c)} (not for ${name}, not graded): ${c.chain.problems.join('; ')}`,
    );
  }
  if (isYes(f.client_renegotiation) && isYes(f.secure_renegotiation))
    add(
      'client_renegotiation',
      'client-initiated renegotiation is accepted: any client can make the server redo the handshake at will',
    );
  if (isYes(f.heartbeat))
    add('heartbeat', 'the heartbeat extension is enabled (unused by browsers; Heartbleed not tested)');
  if (isNo(f.extended_master_secret))
    add(
      'no_extended_master_secret',
      'no extended master secret (RFC 7627): TLS ≤ 1.2 sessions can be synchronised (triple handshake)',
    );
  return out;
}
