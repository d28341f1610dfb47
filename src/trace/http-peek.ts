// The first line of HTTP in decrypted application data, for the ladder ("GET / HTTP/1.1",
// "HTTP/1.1 200 OK", or the HTTP/2 preface); undefined when the bytes are something else.

import { Buffer } from 'node:buffer';

const METHOD = /^(?:GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH) \S+ HTTP\/\d(?:\.\d)?$/;
const STATUS = /^HTTP\/\d(?:\.\d)? \d{3}(?: .*)?$/;

export function httpFirstLine(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.subarray(0, 512)).toString('latin1');
  if (head.startsWith('PRI * HTTP/2.0\r\n')) return 'HTTP/2 connection preface';
  const end = head.indexOf('\r\n');
  const line = end < 0 ? head : head.slice(0, end);
  return METHOD.test(line) || STATUS.test(line) ? line : undefined;
}
