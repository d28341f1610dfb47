// Which version answers are a "no" and which leave the version not tested: a modelled server
// (the context's raw() is the model), no sockets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeContext } from '../../../src/probe/context.ts';
import type { Outcome } from '../../../src/probe/exchange.ts';
import type { Offer } from '../../../src/probe/offer.ts';
import { probeVersions } from '../../../src/probe/versions.ts';

const ANSWERS: Readonly<Record<number, Outcome>> = {
  768: { kind: 'closed', detail: 'the server closed the connection without answering' },
  769: { kind: 'timeout', detail: 'no answer within 3000 ms' },
  770: { kind: 'malformed', detail: 'ServerKeyExchange truncated' },
  771: {
    kind: 'alert',
    alert: { level: 'fatal', description: 70, name: 'protocol_version' },
    afterHello: undefined,
  },
  772: { kind: 'reset', detail: 'the server reset the connection (ECONNRESET)' },
};

const ctx = {
  sni: undefined,
  raw: async (offer: Offer) => ANSWERS[offer.version]!,
} as unknown as ProbeContext;

describe('probeVersions', () => {
  it('a close, an alert or a reset is no; a timeout or an unreadable answer is not tested, with why', async () => {
    const probes = await probeVersions(ctx);
    assert.deepEqual(
      probes.map((p) => [p.name, p.accepted, p.notTested]),
      [
        ['SSLv3', false, undefined],
        ['TLS1.0', false, 'timeout: no answer within 3000 ms'],
        ['TLS1.1', false, 'malformed: ServerKeyExchange truncated'],
        ['TLS1.2', false, undefined],
        ['TLS1.3', false, undefined],
      ],
    );
  });
});
