// Per connection: the site that serves each request, by its host (see SiteResolver). The last host
// and its answer are remembered, so a keep-alive connection asking for the same host again (the
// usual case) costs a byte compare and allocates nothing.

import type { Buffer } from 'node:buffer';
import { latin1 } from './request-head.ts';
import type { HttpSiteRuntime, Misdirected, SiteResolver } from './types.ts';

export type Choice = HttpSiteRuntime | Misdirected;

export const isMisdirected = (c: Choice): c is Misdirected => 'misdirected' in c;

export class SiteChoice {
  readonly own: HttpSiteRuntime;
  private readonly resolver: SiteResolver | null;
  private lastHost = '';
  private last: Choice;

  constructor(site: HttpSiteRuntime | SiteResolver) {
    if ('resolve' in site) {
      this.own = site.own;
      this.resolver = site;
    } else {
      this.own = site;
      this.resolver = null;
    }
    this.last = this.own;
  }

  /** The host in buf[s, e) (validated by the request parser). */
  forBytes(buf: Buffer, s: number, e: number): Choice {
    if (this.resolver === null) return this.own;
    const last = this.lastHost;
    if (last.length === e - s && last !== '') {
      let i = 0;
      while (i < last.length && buf[s + i] === last.charCodeAt(i)) i++;
      if (i === last.length) return this.last;
    }
    return this.remember(latin1(buf, s, e));
  }

  forString(host: string): Choice {
    if (this.resolver === null) return this.own;
    return host === this.lastHost ? this.last : this.remember(host);
  }

  private remember(host: string): Choice {
    this.lastHost = host;
    this.last = this.resolver!.resolve(host);
    return this.last;
  }
}
