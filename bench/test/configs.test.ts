// The generated configurations must be accepted by the real servers' own config checkers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeCerts } from '../lib/certs.ts';
import { commandExists } from '../lib/contenders.ts';
import { haproxyConfig } from '../lib/haproxy-config.ts';
import { nginxBackendConfig, nginxProxyConfig } from '../lib/nginx-config.ts';
import { tlstermConfig } from '../lib/tlsterm-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-config-test-'));
const certs = makeCerts(join(dir, 'certs'), 'bench.test');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('certificates', () => {
  it('chain leaf -> intermediate -> root, ECDSA P-256, verifiable for the bench host name', () => {
    const out = execFileSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        certs.ca,
        '-untrusted',
        certs.fullchain,
        '-verify_hostname',
        'bench.test',
        certs.fullchain,
      ],
      { encoding: 'utf8' },
    );
    assert.match(out, /OK/);
    const key = execFileSync('openssl', ['pkey', '-in', certs.key, '-noout', '-text'], { encoding: 'utf8' });
    assert.match(key, /NIST CURVE: P-256|prime256v1/);
    assert.equal(readFileSync(certs.fullchain, 'utf8').match(/BEGIN CERTIFICATE/g)?.length, 2);
  });
});

describe('nginx configs', { skip: !commandExists('nginx') && 'nginx not installed' }, () => {
  it('the proxy and backend configs pass nginx -t', () => {
    for (const launch of [
      nginxProxyConfig(join(dir, 'nginx'), 8443, 8080, certs),
      nginxBackendConfig(join(dir, 'backend'), 8080, dir),
    ]) {
      const testArgs = launch.args.filter((a) => a !== '-g' && a !== 'daemon off;');
      const out = execFileSync('sh', ['-c', 'nginx "$@" -t 2>&1', 'nginx', ...testArgs], {
        encoding: 'utf8',
      });
      assert.match(out, /test is successful/);
    }
  });
});

describe('haproxy config', { skip: !commandExists('haproxy') && 'haproxy not installed' }, () => {
  it('passes haproxy -c', () => {
    const launch = haproxyConfig(join(dir, 'haproxy'), 8443, 8080, certs);
    const conf = launch.args[launch.args.indexOf('-f') + 1]!;
    const out = execFileSync('sh', ['-c', 'haproxy -c -f "$0" 2>&1', conf], { encoding: 'utf8' });
    assert.match(out, /Configuration file is valid/);
  });
});

describe('tlsterm config', () => {
  it('has the serve contract: listener address, classic groups, one default site with cert and upstream', () => {
    const launch = tlstermConfig(join(dir, 'tlsterm'), 8443, 8080, certs);
    assert.deepEqual(launch.args.slice(1, 3), ['serve', '-c']);
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.deepEqual(config.extra_ca, [certs.ca], 'the private root, so tlsterm can check the chain');
    const listener = config.listeners[0];
    assert.equal(listener.address, '127.0.0.1:8443');
    assert.deepEqual(listener.tls, { profile: 'intermediate', groups: ['X25519', 'P-256'] });
    assert.deepEqual(listener.sites[0], {
      hosts: ['bench.test'],
      default: true,
      certificates: [{ cert: certs.fullchain, key: certs.key }],
      upstream: 'http://127.0.0.1:8080',
    });
  });
});
