// Which key-exchange group OpenSSL 3.5 picks as a server. Node gives servers no way to ask
// (getEphemeralKeyInfo() is null on servers), so we derive it from the ClientHello and our own
// group list, following OpenSSL's rules, and the integration tests compare it with what real
// clients report. Our group list is one OpenSSL "tuple" (':'-separated) with server preference.

import { groupById, groupByName } from '../../tls/index.ts';

export interface GroupChoice {
  readonly group: string | undefined;
  /** TLS 1.3: the server had to send a HelloRetryRequest for it. */
  readonly helloRetry: boolean;
}

export function predictGroup(
  version: 'TLS1.2' | 'TLS1.3',
  serverGroups: readonly string[],
  clientGroups: readonly number[],
  clientKeyShares: readonly number[],
): GroupChoice {
  const ids = serverGroupIds(serverGroups);
  const mutual = ids.filter((id) => clientGroups.includes(id));
  if (version === 'TLS1.3') {
    const withShare = mutual.find((id) => clientKeyShares.includes(id));
    if (withShare !== undefined) return { group: nameOf(withShare), helloRetry: false };
    const first = mutual[0];
    return { group: first === undefined ? undefined : nameOf(first), helloRetry: first !== undefined };
  }
  const classic = mutual.find((id) => !groupById(id)?.tls13Only);
  return { group: classic === undefined ? undefined : nameOf(classic), helloRetry: false };
}

// A site's group list is one array for its lifetime: resolved to ids once, not per handshake.
const resolved = new WeakMap<readonly string[], readonly number[]>();

function serverGroupIds(serverGroups: readonly string[]): readonly number[] {
  let ids = resolved.get(serverGroups);
  if (ids === undefined) {
    ids = serverGroups.map((name) => groupByName(name)?.id).filter((id): id is number => id !== undefined);
    resolved.set(serverGroups, ids);
  }
  return ids;
}

function nameOf(id: number): string {
  return groupById(id)?.openssl ?? `0x${id.toString(16).padStart(4, '0')}`;
}
