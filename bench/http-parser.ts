// Micro-benchmark of the HTTP/1.1 data path's pure parts: ns per request head decoded (strict
// parser, incremental decoder) and per upstream head built. `node bench/http-parser.ts [iterations]`

import { FieldIndex } from '../src/http/field-lines.ts';
import { forwardedParts } from '../src/http/forwarded.ts';
import { buildClientResponseHead, buildUpstreamRequest, Conn } from '../src/http/head-builder.ts';
import { RequestDecoder, type RequestHandler } from '../src/http/message-decoder.ts';
import { parseRequestHead, RequestHead } from '../src/http/request-head.ts';
import { parseResponseHead } from '../src/http/response-head.ts';

const N = Number(process.argv[2] ?? 500_000);

const heads: Record<string, Buffer> = {
  'curl (4 fields)': Buffer.from(
    'GET /index.html HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
  ),
  'wrk (2 fields)': Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n'),
  'browser (13 fields, 700 B)': Buffer.from(
    'GET /app/dashboard?tab=overview&range=7d HTTP/1.1\r\n' +
      'Host: www.example.com\r\n' +
      'Connection: keep-alive\r\n' +
      'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"\r\n' +
      'sec-ch-ua-mobile: ?0\r\n' +
      'sec-ch-ua-platform: "Linux"\r\n' +
      'Upgrade-Insecure-Requests: 1\r\n' +
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n' +
      'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n' +
      'Sec-Fetch-Site: same-origin\r\n' +
      'Sec-Fetch-Mode: navigate\r\n' +
      'Referer: https://www.example.com/app/\r\n' +
      'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
      'Accept-Language: en-US,en;q=0.9\r\n' +
      'Cookie: session=0123456789abcdef0123456789abcdef; theme=dark; consent=yes\r\n\r\n',
  ),
};

const time = (label: string, fn: () => void): void => {
  for (let i = 0; i < Math.min(N, 50_000); i++) fn(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(`${label.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/op`);
};

let sink = 0;
const handler: RequestHandler = {
  onRequestHead: (h) => {
    sink += h.fields.count;
  },
  onRequestBody: () => {},
  onRequestEnd: () => {
    decoder.resume();
  },
  onRequestError: (e) => {
    throw new Error(e.reason);
  },
};
const decoder: RequestDecoder = new RequestDecoder(handler, 16384);
const fields = new FieldIndex(128);
const ctx = {
  parts: forwardedParts('192.0.2.10'),
  trust: false,
  upstreamHost: Buffer.from('127.0.0.1:8080'),
};

console.log(`tlsterm HTTP/1.1 parser, ${N} iterations per line, Node ${process.version}`);
for (const [name, buf] of Object.entries(heads)) {
  time(`parseRequestHead  ${name}`, () => {
    const h = parseRequestHead(buf, 0, buf.length, fields);
    if (!(h instanceof RequestHead)) throw new Error('rejected');
  });
  time(`RequestDecoder    ${name}`, () => decoder.push(buf));
  time(`parse + buildUpstreamRequest ${name}`, () => {
    const h = parseRequestHead(buf, 0, buf.length, fields) as RequestHead;
    sink += buildUpstreamRequest(h, ctx).length;
  });
}

const res = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Type: text/html\r\n' +
    'Content-Length: 1024\r\nConnection: keep-alive\r\nETag: "65a1-400"\r\nAccept-Ranges: bytes\r\n\r\n',
);
const resFields = new FieldIndex(128);
time('parseResponseHead + buildClientResponseHead (nginx, 7 fields)', () => {
  const h = parseResponseHead(res, 0, res.length, resFields, false);
  if ('reason' in h) throw new Error(h.reason);
  sink += buildClientResponseHead(h, false, Conn.none).length;
});
if (sink === 42) console.log(sink);
