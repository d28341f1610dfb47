import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Outcome } from '../../../src/probe/exchange.ts';
import { explainFailure } from '../../../src/probe/failure.ts';
import { VERSION_IDS, VERSION_NAMES } from '../../../src/probe/report.ts';
import type { VersionProbe } from '../../../src/probe/versions.ts';

const alert = (name: string, description: number): Outcome => ({
  kind: 'alert',
  alert: { level: 'fatal', description, name },
  afterHello: undefined,
});

/** One probe per version, answered by `answer(versionName)`. */
function probes(answer: (v: string) => Outcome, accepted: string[] = []): VersionProbe[] {
  return VERSION_NAMES.map((name) => ({
    name,
    id: VERSION_IDS[name],
    suitesOffered: 100,
    outcome: answer(name),
    accepted: accepted.includes(name),
    notTested: undefined,
  }));
}

describe('explainFailure', () => {
  it('version mismatch: protocol_version to every version', () => {
    const f = explainFailure(
      probes(() => alert('protocol_version', 70)),
      undefined,
    );
    assert.equal(f.reason, 'no_common_version');
    assert.match(f.detail, /refused every version from SSL 3.0 to TLS 1.3/);
    assert.equal(f.attempts.length, 5);
    assert.match(f.attempts[0]!.offer, /^SSLv3 without SNI \(100 suites/);
    assert.equal(f.attempts[0]!.outcome, 'alert protocol_version');
  });

  it('no shared suite: handshake_failure for the versions it speaks, protocol_version for the rest', () => {
    const f = explainFailure(
      probes((v) =>
        v === 'TLS1.2' || v === 'TLS1.3' ? alert('handshake_failure', 40) : alert('protocol_version', 70),
      ),
      'a.test',
    );
    assert.equal(f.reason, 'no_common_cipher');
    assert.match(f.detail, /for TLS1\.2 and TLS1\.3/);
    assert.match(f.detail, /refused SSLv3, TLS1\.0 and TLS1\.1 outright/);
  });

  it('SNI unknown: the name is refused but a handshake works without SNI', () => {
    const f = explainFailure(
      probes(() => alert('unrecognized_name', 112)),
      'nope.test',
      probes(() => alert('protocol_version', 70), ['TLS1.3']),
    );
    assert.equal(f.reason, 'unknown_sni');
    assert.match(
      f.detail,
      /refuses the name "nope\.test" \(alert unrecognized_name\) but completes a handshake without SNI/,
    );
    assert.equal(f.attempts.length, 10);
  });

  it('not TLS, closed, timeout, other alerts', () => {
    const text: Outcome = { kind: 'not-tls', detail: 'the server answered in plain text: "HTTP/1.1 400"' };
    assert.equal(
      explainFailure(
        probes(() => text),
        undefined,
      ).reason,
      'not_tls',
    );
    const closed: Outcome = { kind: 'closed', detail: 'closed' };
    assert.equal(
      explainFailure(
        probes(() => closed),
        undefined,
      ).reason,
      'closed',
    );
    const timeout: Outcome = { kind: 'timeout', detail: 'no answer' };
    assert.equal(
      explainFailure(
        probes(() => timeout),
        undefined,
      ).reason,
      'timeout',
    );
    const other = explainFailure(
      probes(() => alert('internal_error', 80)),
      undefined,
    );
    assert.equal(other.reason, 'alert');
    assert.match(other.detail, /internal_error/);
  });
});
