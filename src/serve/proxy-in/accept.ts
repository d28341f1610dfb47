// The accept-path step of a `proxy_protocol:` listener: a socket from outside `from` is closed at
// once; from inside, the PROXY header is read first — bounded in bytes (the codecs) and time (the
// listener's handshake timeout, which goes on to cover the ClientHello) — and what it says becomes
// the connection's client (client-peer.ts). Bytes after the header are put back for the sniff.
// A refusal never reaches TLS; its line is rate-limited per reason (one per second, with a count).

import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import type { ListenerPlan, ProxyProtocolPlan } from '../../config/plan.ts';
import type { Logger } from '../../observe/index.ts';
import { setProxied } from '../client-peer.ts';
import type { ProxyHeader } from './header.ts';
import { parseProxyHeader } from './parse.ts';
import { trustedSources } from './trusted.ts';

const LOG_EVERY_MS = 1000;

export type ProxyRefusal = 'untrusted_source' | 'malformed' | 'timeout' | 'client_closed';

export interface ProxyIn {
  /** Read the header of `raw`; `admitted` runs with the socket paused and the header's bytes gone. */
  accept(raw: net.Socket, admitted: (header: ProxyHeader) => void): void;
}

export function createProxyIn(listener: ListenerPlan, plan: ProxyProtocolPlan, log: Logger): ProxyIn {
  const trusted = trustedSources(plan.from);
  const refusals = new Map<ProxyRefusal, { count: number; loggedAt: number }>();
  const refuse = (raw: net.Socket, reason: ProxyRefusal, detail: string): void => {
    raw.destroy();
    const r = refusals.get(reason) ?? { count: 0, loggedAt: -Infinity };
    refusals.set(reason, r);
    r.count++;
    const now = performance.now();
    if (now - r.loggedAt < LOG_EVERY_MS) return;
    log({
      event: 'proxy_refused',
      listener: listener.name,
      reason,
      detail,
      peer: `${raw.remoteAddress}:${raw.remotePort}`,
      refused: r.count,
    });
    r.count = 0;
    r.loggedAt = now;
  };
  return {
    accept(raw, admitted) {
      raw.on('error', () => {}); // reported through 'close'
      const peer = raw.remoteAddress;
      // Reset before it could be served (HAProxy ends its health checks with an RST): no one to
      // name, nothing to refuse.
      if (peer === undefined) {
        raw.destroy();
        return;
      }
      if (!trusted.has(peer))
        return refuse(
          raw,
          'untrusted_source',
          `${peer} is not in proxy_protocol.from; PROXY headers are taken from ${plan.from.join(', ')} only`,
        );
      const acceptedAt = process.hrtime.bigint();
      let buffered: Buffer = Buffer.alloc(0);
      // A LOCAL header with nothing after it yet: a balancer's health check (connect, header, close)
      // until a byte says otherwise. Its close is not worth a log line per check.
      let localHeader: ProxyHeader | null = null;
      const stop = () => {
        clearTimeout(timer);
        raw.off('data', onData);
        raw.off('close', onClose);
      };
      const timer = setTimeout(() => {
        stop();
        refuse(
          raw,
          'timeout',
          localHeader !== null
            ? `a LOCAL PROXY header and then nothing within ${listener.handshakeTimeoutMs} ms`
            : `no complete PROXY header within ${listener.handshakeTimeoutMs} ms (received ${buffered.length} bytes)`,
        );
      }, listener.handshakeTimeoutMs);
      const onClose = () => {
        stop();
        if (localHeader !== null) return; // a health check, done
        refuse(raw, 'client_closed', `closed before a complete PROXY header (${buffered.length} bytes)`);
      };
      const admit = (header: ProxyHeader, rest: Buffer) => {
        stop();
        setProxied(raw, {
          acceptedAt,
          ...(header.command === 'proxy' && header.source !== undefined ? { client: header.source } : {}),
          ...(header.command === 'proxy' && header.destination !== undefined
            ? { local: header.destination }
            : {}),
        });
        raw.pause();
        if (rest.length > 0) raw.unshift(rest);
        buffered = Buffer.alloc(0);
        admitted(header);
        raw.resume();
      };
      const onData = (chunk: Buffer) => {
        if (localHeader !== null) return admit(localHeader, chunk);
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        const verdict = parseProxyHeader(buffered, plan.accept);
        if (verdict.kind === 'need-more') return;
        if (verdict.kind === 'malformed') {
          stop();
          return refuse(raw, 'malformed', verdict.detail);
        }
        const rest = buffered.subarray(verdict.length);
        if (verdict.header.command === 'local' && rest.length === 0) {
          localHeader = verdict.header;
          buffered = Buffer.alloc(0);
          return;
        }
        admit(verdict.header, rest);
      };
      raw.on('data', onData);
      raw.once('close', onClose);
    },
  };
}
