// Memory after a load has passed: the server's RSS before, with BENCH_AFTER_LOAD_CONNS TLS
// connections open (handshake done, idle), and BENCH_AFTER_LOAD_SECONDS after they all closed.
// A server whose memory stays at its high-water mark after a burst shows it here (issue 13, 18:
// within 20% of the pre-load RSS a minute after 5,000 connections). On request only: it takes about
// a minute per contender and round.
import { setTimeout as sleep } from 'node:timers/promises';
import { openIdleConnections } from './idle-connections.ts';
import { rssBytes } from './proc.ts';
import { type Scenario, warnings } from './scenarios.ts';

const MiB = 1024 * 1024;

export const afterLoad: Scenario = {
  id: 'after-load',
  onRequest: true,
  fresh: true,
  figures: [
    { key: 'before', label: 'RSS before the load', unit: 'MiB', better: 'lower' },
    { key: 'peak', label: '  RSS with the connections open', unit: 'MiB', better: 'lower' },
    { key: 'after', label: '  RSS after the load (BENCH_AFTER_LOAD_SECONDS)', unit: 'MiB', better: 'lower' },
    { key: 'ratio', label: '  after / before', unit: 'x', better: 'lower' },
  ],
  cpuUnit: 'conn',
  cpuLabel: 'server CPU per conn (handshake, held, closed)',
  tools: [],
  async run(target, settings) {
    const pids = () => target.server.pids();
    await sleep(1000);
    const before = rssBytes(pids());
    const held = await openIdleConnections({
      port: target.server.port,
      servername: target.hostname,
      count: settings.afterLoadConnections,
      concurrency: 32,
      timeoutMs: 120_000,
    });
    if (held.opened === 0) {
      await held.close();
      return { ok: false, error: `no connection opened: ${held.firstError ?? 'unknown'}` };
    }
    await sleep(1000);
    const peak = rssBytes(pids());
    const open = held.stillOpen();
    await held.close();
    await sleep(settings.afterLoadSeconds * 1000);
    const after = rssBytes(pids());
    return {
      ok: true,
      figures: { before: before / MiB, peak: peak / MiB, after: after / MiB, ratio: after / before },
      units: held.opened,
      ...warnings([
        held.failed > 0 && `${held.failed} connections failed (${held.firstError})`,
        open < held.opened && `${held.opened - open} closed by the server before the peak reading`,
      ]),
    };
  },
};
