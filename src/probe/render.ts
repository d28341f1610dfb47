// The report as a person reads it: one section per finding, columns aligned, every grade reason
// spelled out. Pure: a ProbeReport in, text out (no colours, so it pastes into tickets).
import { findingText } from './finding.ts';
import type {
  ChainReport,
  HstsFinding,
  ProbeReport,
  ResumptionFinding,
  ServedCertificate,
  SuiteOrderFinding,
  VersionName,
} from './report.ts';
import { VERSION_NAMES } from './report.ts';

function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
  );
}

function chainLines(c: ServedCertificate, index: number, name: string): string[] {
  const chain: ChainReport = c.chain;
  const who = `${c.sni === null ? 'no SNI' : `SNI ${c.sni}`}, ${c.offered === 'any' ? 'any client' : `${c.offered}-only client`}`;
  const served = c.served_for_name ? '' : ` — not served for ${name} (not graded)`;
  const out = [
    `  [${index + 1}] ${c.key} — served for ${who}${served}${chain.order === 'path' ? ' (order: path, as rebuilt by Node)' : ''}`,
  ];
  chain.certificates.forEach((cert, i) => {
    const when = cert.expired
      ? `EXPIRED ${cert.not_after.slice(0, 10)}`
      : `expires ${cert.not_after.slice(0, 10)} (${cert.days_left} days)`;
    out.push(`      #${i + 1} ${cert.subject}`);
    out.push(`         issuer ${cert.issuer}`);
    out.push(
      `         ${cert.key}, ${cert.signature_algorithm}, ${when}${cert.self_signed ? ', self-signed' : ''}`,
    );
    if (cert.san.length) out.push(`         names ${cert.san.join(', ')}`);
  });
  out.push(
    `      trust: ${chain.trusted ? `trusted (${chain.trust_store})` : `NOT trusted — ${chain.trust_error ?? 'unknown reason'}`}`,
  );
  if (chain.name !== null)
    out.push(`      name ${chain.name}: ${chain.name_match ? 'covered' : 'NOT covered'}`);
  out.push(
    `      chain: ${chain.complete ? 'complete' : `incomplete (missing ${chain.missing.join(', ')})`}, ${chain.order_ok ? 'in order' : 'out of order'}`,
  );
  // The trust line above already says why it is not trusted.
  const said = chain.trust_error === null ? '' : `not trusted: ${chain.trust_error}`;
  for (const p of chain.problems) if (p !== said) out.push(`      ! ${p}`);
  if (c.ocsp)
    out.push(
      `      OCSP stapling: ${c.ocsp.stapled ? `yes (${c.ocsp.response_status}${c.ocsp.cert_status ? `, ${c.ocsp.cert_status}` : ''}${c.ocsp.next_update ? `, next update ${c.ocsp.next_update.slice(0, 10)}` : ''})` : 'no'}`,
    );
  return out;
}

function resumptionLine(v: string, r: ResumptionFinding): string[] {
  const ticket = `ticket ${findingText(r.ticket)}${r.ticket_lifetime_hint !== null ? ` (lifetime ${r.ticket_lifetime_hint} s)` : ''}${r.tickets_issued !== null ? `, ${r.tickets_issued} issued` : ''}`;
  // TLS 1.3 has no session IDs: nothing to say rather than "not tested".
  const id = v === 'TLS1.3' ? '' : `session ID ${findingText(r.session_id)}, `;
  return [v, `${id}${ticket}${r.detail ? ` — ${r.detail}` : ''}`];
}

/** The suite-order finding in words (the cipher table's heading). */
export function orderText(order: SuiteOrderFinding | undefined): string {
  if (order === undefined) return 'order not tested';
  if (order.state === 'not_tested') return `order not tested: ${order.why}`;
  if (order.state === 'no') return 'client order: the server follows the client';
  return order.chacha20_preferred
    ? 'server order, ChaCha20 preferred when the client prefers it'
    : 'server order';
}

function hstsText(h: HstsFinding): string {
  if (h.state === 'not_tested') return findingText(h);
  if (h.state === 'yes') return h.header ?? 'yes';
  return `no (${h.detail ?? 'absent'}), GET / answered ${h.status}`;
}

export function renderProbeReport(r: ProbeReport): string {
  const out: string[] = [];
  out.push(
    `tlsterm probe ${r.target}${r.address !== r.target.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') ? ` (${r.address})` : ''}${r.sni ? `, SNI ${r.sni}` : ', no SNI'} — ${r.connections} connections in ${r.elapsed_ms} ms`,
    '',
  );
  const ignoring = r.grade_ignoring_trust ? ` (${r.grade_ignoring_trust} if trusted)` : '';
  out.push(`Grade ${r.grade}${ignoring}   score ${r.score}/100`);
  out.push(...table(r.reasons.map((x) => [x.effect, x.rule, x.detail])));
  if (r.ungraded_problems.length) {
    out.push('Also (problems not in the grade)');
    out.push(...table(r.ungraded_problems.map((p) => [p.check, p.detail])));
  }
  out.push('');

  if (r.failure) {
    out.push(`No TLS handshake (${r.failure.reason}): ${r.failure.detail}`, '');
    out.push(...table([['offer', 'answer'], ...r.failure.attempts.map((a) => [a.offer, a.outcome])]));
    return `${out.join('\n')}\n`;
  }

  out.push('Protocols');
  out.push(
    ...table(
      VERSION_NAMES.map((v) => {
        const why = r.versions_not_tested[v];
        return [v, r.versions[v] ? 'yes' : why !== undefined ? `not tested (${why})` : 'no'];
      }),
    ),
    '',
  );

  for (const v of [...VERSION_NAMES].reverse()) {
    const list = r.suites[v];
    if (!list || list.length === 0) continue;
    out.push(`Cipher suites ${v} (${orderText(r.server_order_by_version[v])})`);
    out.push(...table(list.map((s) => [s.id, s.iana, s.openssl ?? '-', s.label, `${s.bits}`])), '');
  }

  if (r.groups.length) {
    out.push('Key exchange groups');
    out.push(
      ...table(
        r.groups.map((g) => [
          g.name,
          [g.tls13 ? 'TLS1.3' : '', g.tls12 ? 'TLS1.2' : ''].filter(Boolean).join(' '),
          g.hrr === true ? 'HelloRetryRequest for X25519-only clients' : g.hrr === false ? 'no retry' : '',
          g.post_quantum ? 'post-quantum' : '',
        ]),
      ),
    );
    if (r.typical_client)
      out.push(
        `  a client sending ${r.typical_client.key_shares.join(' + ')} shares gets ${r.typical_client.group ?? 'no handshake'}${r.typical_client.hrr ? ' after a HelloRetryRequest' : ''}`,
      );
    if (r.dh_bits !== null) out.push(`  DHE prime: ${r.dh_bits} bits`);
    out.push('');
  }

  const sig = Object.entries(r.signature_algorithms) as [VersionName, string[]][];
  if (sig.length) {
    out.push('Signature algorithms');
    out.push(...table(sig.reverse().map(([v, list]) => [v, list.join(', ') || 'none'])), '');
  }

  out.push(
    `ALPN: ${r.alpn_not_tested !== null ? `not tested (${r.alpn_not_tested})` : r.alpn.length ? r.alpn.join(', ') : 'none of h2, http/1.1, http/1.0'}${r.alpn_preferred ? ` (server picks ${r.alpn_preferred})` : ''}`,
    '',
  );

  if (r.certificates.length) {
    out.push('Certificates');
    const name = r.chain?.name ?? r.sni ?? r.target;
    for (const [i, c] of r.certificates.entries()) out.push(...chainLines(c, i, name));
    out.push('');
  }

  const res = Object.entries(r.resumption) as [string, ResumptionFinding][];
  if (res.length) {
    out.push('Session resumption');
    out.push(...table(res.reverse().map(([v, f]) => resumptionLine(v, f))), '');
  }

  out.push('Features');
  out.push(
    ...table([
      ['HSTS', hstsText(r.hsts)],
      ['TLS_FALLBACK_SCSV', findingText(r.fallback_scsv)],
      ['Secure renegotiation', findingText(r.secure_renegotiation)],
      ['Client renegotiation', findingText(r.client_renegotiation)],
      ['Compression', findingText(r.compression)],
      ['Heartbeat extension', findingText(r.heartbeat)],
      ['Extended master secret', findingText(r.extended_master_secret)],
    ]),
  );
  if (r.notes.length) {
    out.push('', 'Notes');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join('\n')}\n`;
}
