// The request facts a route matches on, read from each front's request: an HTTP/1.1 head (fields
// by offset, decoded only when a route asks) or an h2 header list.

import { equalsLower } from '../header-names.ts';
import { latin1, type RequestHead } from '../request-head.ts';
import { bareHost, type MatchInput, splitTarget } from './match.ts';

export class H1MatchInput implements MatchInput {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  private readonly head: RequestHead;

  constructor(head: RequestHead, target: string, sni: string | undefined) {
    this.head = head;
    this.method = head.method;
    this.host = head.hostStart < 0 ? (sni ?? '') : bareHost(latin1(head.buf, head.hostStart, head.hostEnd));
    const t = splitTarget(target);
    this.path = t.path;
    this.query = t.query;
  }

  header(name: string): string | undefined {
    const f = this.head.fields;
    const buf = this.head.buf;
    for (let i = 0; i < f.count; i++)
      if (equalsLower(buf, f.nameStart(i), f.nameEnd(i), name))
        return latin1(buf, f.valueStart(i), f.valueEnd(i));
    return undefined;
  }
}

export class H2MatchInput implements MatchInput {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  private readonly raw: readonly string[];

  constructor(raw: readonly string[], method: string, host: string, target: string) {
    this.raw = raw;
    this.method = method;
    this.host = bareHost(host);
    const t = splitTarget(target);
    this.path = t.path;
    this.query = t.query;
  }

  header(name: string): string | undefined {
    const raw = this.raw;
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) return raw[i + 1];
    return undefined;
  }
}
