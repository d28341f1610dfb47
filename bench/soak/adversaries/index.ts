// Every adversary the soak knows, one registry: the phases pick from it by group or name.
import { h2ManyStreams } from './h2-many-streams.ts';
import { h2RapidReset } from './h2-rapid-reset.ts';
import { h2WindowZero } from './h2-window-zero.ts';
import { halfHello } from './half-hello.ts';
import { handshakeFlood } from './handshake-flood.ts';
import { idleKeepalive } from './idle-keepalive.ts';
import { junk } from './junk.ts';
import { silentTunnel } from './silent-tunnel.ts';
import { stalledReader } from './stalled-reader.ts';
import { trickleBody } from './trickle-body.ts';
import type { AdversaryKind } from './types.ts';

export type { Adversary, AdversaryContext, AdversaryKind, Counts } from './types.ts';

export const ADVERSARIES: readonly AdversaryKind[] = [
  stalledReader,
  h2WindowZero,
  trickleBody,
  silentTunnel,
  idleKeepalive,
  halfHello,
  handshakeFlood,
  h2RapidReset,
  h2ManyStreams,
  junk,
];

export const byGroup = (group: AdversaryKind['group']): AdversaryKind[] =>
  ADVERSARIES.filter((a) => a.group === group);
