// The short responses tlsterm sends on its own behalf (400s for rejected requests, 502/504 for
// upstream failures): HTML for browsers, one line of text for everything else. Rendered once per
// (status, flavour) and cached, since error storms are when cheapness matters.

import { Buffer } from 'node:buffer';
import { statusText } from './status-text.ts';

export interface ErrorBody {
  readonly contentType: string;
  readonly body: Buffer;
}

const bodies = new Map<number, ErrorBody>();
const heads = new Map<number, Buffer>();

export const errorBody = (status: number, html: boolean): ErrorBody => {
  const key = status * 2 + (html ? 1 : 0);
  let b = bodies.get(key);
  if (b === undefined) {
    const title = `${status} ${statusText(status)}`;
    b = html
      ? {
          contentType: 'text/html; charset=utf-8',
          body: Buffer.from(
            `<!DOCTYPE html>\n<html><head><title>${title}</title></head>` +
              `<body><h1>${title}</h1><hr><p>tlsterm</p></body></html>\n`,
          ),
        }
      : { contentType: 'text/plain; charset=utf-8', body: Buffer.from(`${title}\n`) };
    bodies.set(key, b);
  }
  return b;
};

/** A complete HTTP/1.1 error response (head and body) for an HTTP/1.x client. */
export const errorResponse = (status: number, html: boolean, close: boolean, headOnly = false): Buffer => {
  const key = status * 8 + (html ? 1 : 0) + (close ? 2 : 0) + (headOnly ? 4 : 0);
  let r = heads.get(key);
  if (r === undefined) {
    const b = errorBody(status, html);
    const head = Buffer.from(
      `HTTP/1.1 ${status} ${statusText(status)}\r\ncontent-type: ${b.contentType}\r\n` +
        `content-length: ${b.body.length}\r\ncache-control: no-store\r\n` +
        (close ? 'connection: close\r\n' : '') +
        '\r\n',
      'latin1',
    );
    r = headOnly ? head : Buffer.concat([head, b.body]);
    heads.set(key, r);
  }
  return r;
};
