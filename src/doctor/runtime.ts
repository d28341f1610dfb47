// Node, its OpenSSL and what that OpenSSL can do: the ground every handshake stands on.

import process from 'node:process';
import { groupByName, groupUnusableReason } from '../tls/index.ts';
import type { DoctorItem } from './report.ts';

const PQ_GROUP = 'X25519MLKEM768';

export function runtimeItems(): DoctorItem[] {
  const build: Readonly<Record<string, unknown>> = process.config.variables;
  const shared = build.node_shared_openssl === true;
  const fips = build.openssl_is_fips === true;
  const items: DoctorItem[] = [
    {
      id: 'runtime.openssl',
      area: 'runtime',
      title: 'Node and its OpenSSL',
      status: 'ok',
      detail: `Node ${process.versions.node} with ${shared ? 'the system' : 'its bundled'} OpenSSL ${process.versions.openssl}${fips ? ' (FIPS build)' : ''}. Every handshake tlsterm serves runs in this OpenSSL, not in the \`openssl\` command's library.`,
      facts: { node: process.versions.node, openssl: process.versions.openssl, shared_openssl: shared, fips },
    },
  ];
  const group = groupByName(PQ_GROUP);
  const why = group === undefined ? 'not in our group registry' : groupUnusableReason(group);
  items.push(
    why === undefined
      ? {
          id: 'runtime.pq',
          area: 'runtime',
          title: `Post-quantum key exchange (${PQ_GROUP})`,
          status: 'ok',
          detail: `${PQ_GROUP} (ML-KEM-768 hybrid with X25519) is available and offered by default: clients that send it (Chrome, Firefox, curl with OpenSSL 3.5) get a post-quantum handshake.`,
        }
      : {
          id: 'runtime.pq',
          area: 'runtime',
          title: `Post-quantum key exchange (${PQ_GROUP})`,
          status: 'warning',
          detail: `${PQ_GROUP} ${why}: every handshake falls back to a classical group.`,
          hint: 'run tlsterm on a Node whose OpenSSL is 3.5 or newer (Node 24 bundles one)',
        },
  );
  return items;
}
