// The inspect page in HTML: the visitor's own connection as a lesson — the facts with links to
// their explanations, the ladder and key schedule trace draws (same renderer), the chain, "what if",
// the negotiated values, and the glossary. One self-contained document: inline CSS, no script.

import { schemeById } from '../../tls/index.ts';
import { escapeHtml, sessionHtml, TRACE_CSS } from '../../trace/index.ts';
import { GLOSSARY, termHref, termLink } from './glossary.ts';
import type { Lesson, LessonFact } from './lesson.ts';

const term = (id: string, text: string): string => `<a href="${termLink(id)}">${escapeHtml(text)}</a>`;

const CSS = `${TRACE_CSS}
body{max-width:78rem}nav a{margin-right:1rem}table.facts{border-collapse:collapse}table.facts th{text-align:left;padding:.15rem 1rem .15rem 0;vertical-align:top;font-weight:600}
table.facts td{font-family:ui-monospace,monospace;padding:.15rem 0}.yes{color:#1b7f3b;font-weight:600}.no{color:#b3261e;font-weight:600}
table.chain,table.whatif{border-collapse:collapse;font-size:13px}table.chain td,table.chain th,table.whatif td,table.whatif th{border:1px solid #dde;padding:.3rem .5rem;vertical-align:top;text-align:left}
dl.glossary dt{font-weight:600;margin-top:.6rem}dl.glossary dd{margin-left:1.2rem}.seed{color:#667;font-size:12px}
`;

/** `judged`: yes is good and no is bad (forward secrecy); otherwise neither is (resumed). */
function fact(label: string, id: string, f: LessonFact, judged: boolean): string {
  const mark = judged ? ` class="${f.value ? 'yes' : 'no'}"` : '';
  return `<tr><th>${term(id, label)}</th><td><span${mark}>${f.value ? 'yes' : 'no'}</span> — ${escapeHtml(f.why)}</td></tr>`;
}

function row(label: string, value: unknown, id?: string): string {
  const text = Array.isArray(value)
    ? value.join(', ')
    : value === null || value === undefined
      ? '—'
      : String(value);
  return `<tr><th>${id === undefined ? escapeHtml(label) : term(id, label)}</th><td>${escapeHtml(text)}</td></tr>`;
}

/** Offered signature algorithms by name (hex code points named from the registry). */
const sigalgNames = (list: unknown): unknown =>
  Array.isArray(list)
    ? list.map((s) =>
        typeof s === 'string' && /^0x[0-9a-f]{4}$/i.test(s)
          ? (schemeById(Number.parseInt(s, 16))?.name ?? s)
          : s,
      )
    : list;

export function lessonPage(facts: Readonly<Record<string, unknown>>, lesson: Lesson): string {
  const cipher = facts.cipher as { iana?: string; openssl?: string } | undefined;
  const offered = (facts.offered ?? {}) as Record<string, unknown>;
  const summary = [
    row('TLS version', facts.version),
    row('Cipher suite', cipher ? `${cipher.iana} (OpenSSL: ${cipher.openssl})` : undefined),
    row('Key-exchange group', facts.group, lesson.post_quantum.value ? 'post-quantum' : 'ecdhe'),
    row('Signature algorithm', facts.signature_algorithm, 'certificate-verify'),
    row('SNI', facts.sni, 'sni'),
    row('ALPN', facts.alpn, 'alpn'),
    row('JA4', facts.ja4, 'ja4'),
    fact('Forward secrecy', 'forward-secrecy', lesson.forward_secrecy, true),
    fact('Resumed', 'resumption', lesson.resumed, false),
    fact('Post-quantum', 'post-quantum', lesson.post_quantum, true),
    fact('HelloRetryRequest', 'hello-retry-request', lesson.hello_retry, false),
  ].join('');
  const ladder =
    lesson.session === undefined
      ? `<p>${escapeHtml(lesson.note ?? '')}</p>`
      : `${sessionHtml(lesson.session, 0, termHref)}${
          lesson.truncated?.client || lesson.truncated?.server
            ? '<p class="warn">This connection has moved more than the page records (64 KiB each way): the ladder stops there.</p>'
            : ''
        }<p class="meta">The records end with your request: the response carrying this page cannot be on it.</p>`;
  const chain = lesson.chain
    .map(
      (c, i) =>
        `<tr><td>#${i}</td><td>${escapeHtml(c.subject)}</td><td>${escapeHtml(c.issuer)}</td><td>${escapeHtml(c.key)}</td><td>${escapeHtml(c.not_before.slice(0, 10))} → ${escapeHtml(c.not_after.slice(0, 10))}</td><td>${escapeHtml(c.names ?? '')}</td></tr>`,
    )
    .join('');
  const whatIf = lesson.what_if
    .map(
      (w) =>
        `<tr><td>${escapeHtml(w.client)}</td><td class="${w.outcome === 'refused' ? 'no' : 'yes'}">${w.outcome}</td><td>${w.reason === undefined ? '' : `<code>${escapeHtml(w.reason)}</code>`}</td><td>${escapeHtml(w.detail)}</td></tr>`,
    )
    .join('');
  const negotiated = [
    row('Offered versions', offered.versions),
    row('Offered cipher suites', offered.ciphers),
    row('Offered groups', offered.groups),
    row('Key shares sent', offered.key_shares),
    row('Offered signature algorithms', sigalgNames(offered.signature_algorithms)),
    row('Offered ALPN', offered.alpn),
    row('Client', facts.client),
    row('HTTP', facts.http),
  ].join('');
  const glossary = GLOSSARY.map(
    (t) =>
      `<dt id="term-${t.id}">${escapeHtml(t.term)}</dt><dd>${escapeHtml(t.text)} <span class="seed">(${escapeHtml(t.seed)})</span></dd>`,
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>tlsterm inspect: your TLS connection</title><style>${CSS}</style></head><body>
<h1>Your TLS connection, illustrated</h1>
<p>This page shows the connection your browser (or client) holds right now: its own bytes, as tlsterm
received and sent them, decoded and decrypted with <em>its own</em> secrets. Nothing of any other
connection is on it. JSON: <code>Accept: application/json</code> or <code>?format=json</code>.</p>
<div class="warn">The secrets below are this connection's: whoever has this page (and a recording of the connection) can read it. They are kept only in memory, only for this connection.</div>
<nav><a href="#facts">Facts</a><a href="#ladder">Handshake</a><a href="#chain">Certificate</a><a href="#what-if">What if</a><a href="#offer">Your offer</a><a href="#glossary">Terms</a></nav>
<h2 id="facts">What was negotiated</h2><table class="facts">${summary}</table>
<h2 id="ladder">The handshake, record by record, with your keys</h2>${ladder}
<h2 id="chain">The ${term('chain', 'certificate chain')} you were served</h2>
<table class="chain"><tr><th></th><th>subject</th><th>issuer</th><th>key</th><th>valid</th><th>names</th></tr>${chain}</table>
<p>${escapeHtml(lesson.trust)}</p>
<h2 id="what-if">What if your client were narrower?</h2>
<p>Your own ClientHello, narrowed, judged by the code that classifies real failures: the reason is the one tlsterm would log.</p>
<table class="whatif"><tr><th>client</th><th>outcome</th><th>reason</th><th>why</th></tr>${whatIf}</table>
<h2 id="offer">What your client offered</h2><table class="facts">${negotiated}</table>
<h2 id="glossary">Terms</h2><dl class="glossary">${glossary}</dl>
</body></html>
`;
}
