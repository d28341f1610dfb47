// The status page: one self-contained HTML document (inline CSS and script, charts drawn as inline
// SVG, no external asset) that reads /api/v1/summary every 10 s. It is served with a strict CSP
// that allows exactly its own script and style by hash. A bearer token, when the admin listener
// needs one, is read from the page's #token=… fragment (never sent in a URL to the server).

import { createHash } from 'node:crypto';

const STYLE = `
:root{--ok:#2e7d32;--bad:#c62828;--warn:#ef6c00;--ink:#1d2329;--mute:#5f6b76;--line:#d9dee3;--bg:#f6f7f9;--card:#fff;--acc:#1565c0}
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{display:flex;align-items:baseline;gap:16px;padding:14px 22px;background:#12263a;color:#fff}
header h1{font-size:18px;margin:0}header .meta{color:#b8c7d6;font-size:13px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px;padding:16px 22px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
section.wide{grid-column:1/-1}h2{font-size:14px;margin:0 0 8px;color:var(--mute);font-weight:600}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.tile b{display:block;font-size:22px}
.tile span{color:var(--mute);font-size:12px}.bad b{color:var(--bad)}.good b{color:var(--ok)}
svg{display:block;width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:var(--ink)}
svg .ok{fill:var(--ok)}svg .bad{fill:var(--bad)}svg .warn{fill:var(--warn)}svg .acc{fill:var(--acc)}svg .axis{stroke:var(--line)}
svg .mute{fill:var(--mute)}.empty{color:var(--mute);font-style:italic}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 6px;border-bottom:1px solid var(--line)}
#error{display:none;margin:12px 22px;padding:10px;border:1px solid var(--bad);color:var(--bad);background:#fff}
#error.on{display:block}
`;

// Plain ES2020, no template literals (this file's own template holds it).
const SCRIPT = `
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var token = (location.hash.match(/token=([^&]+)/) || [])[1];
  function $(id) { return document.getElementById(id); }
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sum(o) { var n = 0; for (var k in o) n += o[k]; return n; }
  function pct(a, b) { return b > 0 ? (Math.round((a / b) * 1000) / 10) + '%' : '–'; }
  function entries(o) {
    return Object.keys(o).map(function (k) { return [k, o[k]]; }).sort(function (a, b) { return b[1] - a[1]; });
  }
  function fill(id, node) { var host = $(id); host.textContent = ''; host.appendChild(node); }
  function empty(text) { var p = document.createElement('p'); p.className = 'empty'; p.textContent = text; return p; }

  // Horizontal bars: one row per key (its name above its bar, the count beside it); the chart's
  // aria-label lists them all.
  function bars(title, counts, cls, id) {
    var rows = entries(counts);
    if (rows.length === 0) return fill(id, empty('none in the last hour'));
    var max = rows[0][1], h = 30, w = 360;
    var svg = el('svg', { viewBox: '0 0 ' + w + ' ' + (rows.length * h + 2), role: 'img',
      'aria-label': title + ': ' + rows.map(function (r) { return r[0] + ' ' + r[1]; }).join(', ') });
    rows.forEach(function (r, i) {
      var y = i * h, bw = Math.max(2, ((w - 50) * r[1]) / max);
      var g = el('g', { 'data-key': r[0], 'data-count': r[1] });
      g.appendChild(el('text', { x: 0, y: y + 11 }, r[0]));
      var rect = el('rect', { x: 0, y: y + 15, width: bw, height: 10, rx: 2, class: typeof cls === 'function' ? cls(r[0]) : cls });
      rect.appendChild(el('title', {}, r[0] + ': ' + r[1]));
      g.appendChild(rect);
      g.appendChild(el('text', { x: bw + 6, y: y + 24 }, String(r[1])));
      svg.appendChild(g);
    });
    fill(id, svg);
  }

  // Stacked columns, one slot per minute of the window (the minute in progress at the right):
  // handshakes ok (green) and failed (red).
  function minutes(list, slots) {
    var w = 900, h = 170, left = 40, top = 10, bottom = 24, plot = h - top - bottom;
    var max = 1, ok = 0, failed = 0;
    list.forEach(function (b) {
      var o = b.handshakes.ok || 0, f = b.handshakes.failed || 0;
      max = Math.max(max, o + f); ok += o; failed += f;
    });
    var svg = el('svg', { viewBox: '0 0 ' + w + ' ' + h, role: 'img',
      'aria-label': 'Handshakes per minute over the last hour: ' + ok + ' ok, ' + failed + ' failed' });
    var cw = (w - left) / slots, first = slots - list.length;
    svg.appendChild(el('line', { x1: left, x2: w, y1: top + plot, y2: top + plot, class: 'axis' }));
    svg.appendChild(el('text', { x: 0, y: top + 10, class: 'mute' }, String(max)));
    svg.appendChild(el('text', { x: 0, y: top + plot, class: 'mute' }, '0'));
    list.forEach(function (b, i) {
      var x = left + (first + i) * cw, o = b.handshakes.ok || 0, f = b.handshakes.failed || 0;
      var ho = (plot * o) / max, hf = (plot * f) / max;
      var label = b.start.slice(11, 16) + ' UTC: ' + o + ' ok, ' + f + ' failed';
      var g = el('g', { 'data-minute': b.start });
      var r1 = el('rect', { x: x + 1, y: top + plot - ho, width: Math.max(1, cw - 2), height: ho, class: 'ok' });
      r1.appendChild(el('title', {}, label));
      var r2 = el('rect', { x: x + 1, y: top + plot - ho - hf, width: Math.max(1, cw - 2), height: hf, class: 'bad' });
      r2.appendChild(el('title', {}, label));
      g.appendChild(r1); g.appendChild(r2); svg.appendChild(g);
    });
    // Time ticks every 10 minutes, counted back from the minute in progress.
    var end = list.length > 0 ? Date.parse(list[list.length - 1].start) : Date.now();
    for (var k = 0; k < slots; k += 10) {
      var at = new Date(end - (slots - 1 - k) * 60000).toISOString().slice(11, 16);
      svg.appendChild(el('text', { x: left + k * cw, y: h - 6, class: 'mute' }, at));
    }
    svg.appendChild(el('text', { x: w - 30, y: h - 6, class: 'mute' }, 'now'));
    fill('minutes', svg);
  }

  // Certificates in service on a time axis: days left, red under 7, orange under 30.
  function certificates(list, now) {
    if (list.length === 0) return fill('certs', empty('no certificate reported'));
    var days = list.map(function (c) { return (Date.parse(c.not_after) - now) / 86400000; });
    var span = Math.max(90, Math.max.apply(null, days)), h = 24, w = 900, labelW = 330;
    var svg = el('svg', { viewBox: '0 0 ' + w + ' ' + (list.length * h + 18), role: 'img',
      'aria-label': 'Certificate expiry: ' + list.map(function (c, i) { return c.site + ' ' + Math.floor(days[i]) + ' days'; }).join(', ') });
    list.forEach(function (c, i) {
      var d = days[i], y = i * h, bw = Math.max(2, ((w - labelW - 180) * Math.max(0, d)) / span);
      var cls = d < 7 ? 'bad' : d < 30 ? 'warn' : 'ok';
      svg.appendChild(el('text', { x: 0, y: y + 15 }, c.site + ' · ' + c.key_type + ' · ' + c.serial.slice(0, 16)));
      var rect = el('rect', { x: labelW, y: y + 4, width: bw, height: h - 9, rx: 2, class: cls });
      rect.appendChild(el('title', {}, 'not after ' + c.not_after));
      svg.appendChild(rect);
      svg.appendChild(el('text', { x: labelW + bw + 6, y: y + 15 }, Math.floor(d) + ' days (' + c.not_after.slice(0, 10) + ')'));
    });
    svg.appendChild(el('text', { x: labelW, y: list.length * h + 14, class: 'mute' }, 'now'));
    svg.appendChild(el('text', { x: w - 240, y: list.length * h + 14, class: 'mute' }, '+' + Math.round(span) + ' days'));
    fill('certs', svg);
  }

  function tile(label, value, cls) {
    var d = document.createElement('div');
    d.className = 'tile' + (cls ? ' ' + cls : '');
    var b = document.createElement('b'); b.textContent = value;
    var s = document.createElement('span'); s.textContent = label;
    d.appendChild(b); d.appendChild(s);
    return d;
  }

  function render(s) {
    var t = s.totals, ok = t.handshakes.ok || 0, failed = t.handshakes.failed || 0;
    var resumed = sum(t.resumptions), open = sum(s.connections_open);
    var tiles = document.createElement('div'); tiles.className = 'tiles';
    tiles.appendChild(tile('handshakes (hour)', String(ok + failed)));
    tiles.appendChild(tile('failed handshakes', String(failed), failed > 0 ? 'bad' : 'good'));
    tiles.appendChild(tile('post-quantum share', pct(t.pq, ok)));
    tiles.appendChild(tile('resumption rate', pct(resumed, ok)));
    tiles.appendChild(tile('requests (hour)', String(sum(t.requests))));
    tiles.appendChild(tile('upstream errors', String(sum(t.upstream_errors)), sum(t.upstream_errors) > 0 ? 'bad' : 'good'));
    tiles.appendChild(tile('connections open', String(open)));
    tiles.appendChild(tile('workers answering', s.workers.answered + ' / ' + (s.workers.answered + s.workers.silent.length), s.workers.silent.length > 0 ? 'bad' : 'good'));
    fill('tiles', tiles);
    minutes(s.minutes, s.window_minutes);
    bars('TLS versions', t.versions, 'acc', 'versions');
    bars('Cipher suites', t.suites, 'acc', 'suites');
    bars('Key exchange groups', t.groups, function (g) { return /MLKEM|Kyber/.test(g) ? 'ok' : 'acc'; }, 'groups');
    bars('Failure reasons', t.failures, 'bad', 'failures');
    var res = { full: Math.max(0, ok - resumed) };
    for (var k in t.resumptions) res['resumed by ' + k] = t.resumptions[k];
    bars('Resumption', res, function (k) { return k === 'full' ? 'acc' : 'ok'; }, 'resumption');
    bars('Requests by status class', t.requests, function (c) { return c === '5xx' ? 'bad' : c === '4xx' ? 'warn' : 'ok'; }, 'requests');
    bars('Upstream errors', t.upstream_errors, 'bad', 'upstream');
    certificates(s.certificates, Date.parse(s.generated_at));
    var table = document.createElement('table');
    var head = table.insertRow(); ['pid', 'generation', 'state', 'connections'].forEach(function (h) { var th = document.createElement('th'); th.textContent = h; head.appendChild(th); });
    s.workers.list.forEach(function (w) {
      var row = table.insertRow();
      var silent = s.workers.silent.indexOf(w.pid) >= 0;
      [String(w.pid), String(w.generation), silent ? 'silent' : w.ready ? 'serving' : 'starting', w.connections === undefined ? '–' : String(w.connections)].forEach(function (v) { row.insertCell().textContent = v; });
    });
    fill('workers', table);
    $('meta').textContent = 'updated ' + s.generated_at.replace('T', ' ').slice(0, 19) + ' UTC · last ' + s.window_minutes + ' min';
  }

  function load() {
    var headers = token ? { authorization: 'Bearer ' + decodeURIComponent(token) } : {};
    fetch('api/v1/summary', { headers: headers, cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('GET /api/v1/summary answered ' + r.status + (r.status === 401 ? ': open this page as /#token=YOUR_TOKEN' : ''));
        return r.json();
      })
      .then(function (s) { $('error').className = ''; render(s); })
      .catch(function (e) { $('error').textContent = String(e.message || e); $('error').className = 'on'; });
  }
  load();
  setInterval(load, 10000);
})();
`;

const BODY = `<header><h1>tlsterm status</h1><span class="meta" id="meta">loading…</span></header>
<div id="error" role="alert"></div>
<main>
<section class="wide"><div id="tiles"></div></section>
<section class="wide"><h2>Handshakes per minute (ok / failed)</h2><div id="minutes"></div></section>
<section><h2>TLS versions</h2><div id="versions"></div></section>
<section><h2>Cipher suites</h2><div id="suites"></div></section>
<section><h2>Key exchange groups (green: post-quantum)</h2><div id="groups"></div></section>
<section><h2>Handshake failure reasons</h2><div id="failures"></div></section>
<section><h2>Resumption</h2><div id="resumption"></div></section>
<section><h2>Requests by status class</h2><div id="requests"></div></section>
<section><h2>Upstream errors</h2><div id="upstream"></div></section>
<section class="wide"><h2>Certificates in service: expiry</h2><div id="certs"></div></section>
<section class="wide"><h2>Workers</h2><div id="workers"></div></section>
</main>`;

const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>tlsterm status</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>
`;

/** Allows the page's own inline script and style (by hash) and its fetch to this origin, nothing else. */
export const STATUS_PAGE_CSP =
  `default-src 'none'; script-src ${hashOf(SCRIPT)}; style-src ${hashOf(STYLE)}; ` +
  "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
