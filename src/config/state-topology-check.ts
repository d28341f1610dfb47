// `state: { backend: redis, sentinels: [...], name }` and `state: { backend: redis, cluster: [...] }`:
// Redis beyond one server (issue 15 part 6). Each address is host:port; `url` is then optional and
// gives only credentials, db and TLS. In a Cluster every key of ours carries the prefix as a hash
// tag (`{tlsterm:}…`), so the ticket-key write (lease and keys in one script) finds both keys in one
// slot.

import type { RedisNode, RedisTopology } from '../state/settings.ts';
import type { CheckContext } from './check-context.ts';
import type { RawState } from './schema.ts';

function parseNode(text: string): RedisNode | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : 0;
  const host = m?.[1] ?? m?.[2];
  return host !== undefined && port > 0 && port < 65536 ? { host, port } : undefined;
}

const nodes = (ctx: CheckContext, key: string, list: readonly string[]): RedisNode[] | undefined => {
  if (list.length === 0) {
    ctx.add('error', `state.${key}`, `state.${key} is empty`, 'list host:port addresses');
    return undefined;
  }
  const out: RedisNode[] = [];
  list.forEach((text, k) => {
    const node = parseNode(text);
    if (node) out.push(node);
    else ctx.add('error', `state.${key}[${k}]`, `'${text}' is not host:port`, 'e.g. 127.0.0.1:26379');
  });
  return out.length === list.length ? out : undefined;
};

/** undefined: one server (no sentinels, no cluster); null: an error was reported. */
export function checkRedisTopology(ctx: CheckContext, raw: RawState): RedisTopology | undefined | null {
  if (raw.sentinels !== undefined && raw.cluster !== undefined) {
    ctx.add('error', 'state', 'state has both sentinels and cluster', 'keep one of them');
    return null;
  }
  if (raw.name !== undefined && raw.sentinels === undefined) {
    ctx.add(
      'error',
      'state.name',
      'state.name is the master name for sentinels, which are not set',
      'add sentinels: [host:port, …] or remove name',
    );
    return null;
  }
  if (raw.sentinels !== undefined) {
    if (raw.name === undefined) {
      ctx.add(
        'error',
        'state.sentinels',
        'sentinels need the name of the master they monitor',
        'add name: mymaster',
      );
      return null;
    }
    const list = nodes(ctx, 'sentinels', raw.sentinels);
    return list ? { kind: 'sentinel', sentinels: list, name: raw.name } : null;
  }
  if (raw.cluster !== undefined) {
    const list = nodes(ctx, 'cluster', raw.cluster);
    return list ? { kind: 'cluster', nodes: list } : null;
  }
  return undefined;
}

/** The key prefix as a Cluster needs it: a hash tag, unless it already holds one. */
export const clusterPrefix = (prefix: string): string => (/\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`);
