import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import tls from 'node:tls';
import { buildDefaultPlan, defaultStateDir } from '../../../src/config/defaults.ts';
import { secureContextOptions } from '../../../src/tls/policy.ts';
import { makeTempDir } from '../../helpers/pki.ts';

test('defaultStateDir: $TLSTERM_STATE_DIR, then $XDG_STATE_HOME/tlsterm, then ~/.local/state/tlsterm', () => {
  assert.equal(defaultStateDir({ TLSTERM_STATE_DIR: '/srv/tlsterm', XDG_STATE_HOME: '/x' }), '/srv/tlsterm');
  assert.equal(defaultStateDir({ XDG_STATE_HOME: '/x' }), '/x/tlsterm');
  assert.equal(defaultStateDir({}), path.join(os.homedir(), '.local', 'state', 'tlsterm'));
});

test('buildDefaultPlan: localhost:8443, inspect, local-CA certificate for localhost/127.0.0.1/::1', async () => {
  const tmp = makeTempDir('default-plan');
  try {
    const plan = await buildDefaultPlan(tmp.dir);
    assert.equal(plan.stateDir, tmp.dir);
    assert.equal(plan.listeners.length, 1);
    const [listener] = plan.listeners;
    assert.equal(listener?.name, 'default');
    assert.equal(listener?.host, 'localhost');
    assert.equal(listener?.port, 8443);
    assert.equal(listener?.policy.profile, 'intermediate');
    const [site] = listener?.sites ?? [];
    assert.deepEqual(site?.hosts, ['localhost', '127.0.0.1', '::1']);
    assert.equal(site?.isDefault, true);
    assert.deepEqual(site?.handler, { kind: 'inspect' });
    assert.deepEqual(site?.certificates[0]?.sans, ['localhost', '127.0.0.1', '::1']);
    assert.ok(fs.existsSync(path.join(tmp.dir, 'ca', 'ca.pem')));
    // what serve will build from it is accepted by OpenSSL
    const pair = site?.certificates[0];
    assert.ok(pair && listener);
    assert.doesNotThrow(() =>
      tls.createSecureContext({
        ...secureContextOptions(listener.policy),
        cert: pair.certPem,
        key: pair.keyPem,
      }),
    );
    // a second call reuses the same certificate
    const again = await buildDefaultPlan(tmp.dir);
    assert.equal(again.listeners[0]?.sites[0]?.certificates[0]?.serialNumber, pair.serialNumber);
  } finally {
    tmp.cleanup();
  }
});
