// The generated configurations must be accepted by the real servers' own config checkers.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makeCerts } from '../lib/certs.ts';
import { commandExists } from '../lib/contenders.ts';
import { haproxyConfig, haproxyPassthroughConfig } from '../lib/haproxy-config.ts';
import { nginxBackendConfig, nginxProxyConfig, nginxTlsBackendConfig } from '../lib/nginx-config.ts';
import {
  repoRoot,
  type TlstermLaunch,
  tlstermConfig,
  tlstermFeatures,
  tlstermPassthroughConfig,
} from '../lib/tlsterm-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-config-test-'));
const certs = makeCerts(join(dir, 'certs'), 'bench.test');
after(() => rmSync(dir, { recursive: true, force: true }));

/** `tlsterm check -c` on a generated config, run by the tree the launch names: its stdout. */
async function tlstermCheck(launch: TlstermLaunch): Promise<string> {
  const checked = await promisify(execFile)(
    launch.command,
    [launch.args[0]!, 'check', '-c', launch.args[3]!],
    {
      cwd: launch.cwd,
      timeout: 60_000,
    },
  );
  return checked.stdout;
}

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
  it('the proxy, backend and TLS backend configs pass nginx -t', () => {
    for (const launch of [
      nginxProxyConfig(join(dir, 'nginx'), 8443, 8080, certs),
      nginxBackendConfig(join(dir, 'backend'), 8080, dir),
      nginxTlsBackendConfig(join(dir, 'tls-backend'), 9443, dir, certs),
    ]) {
      const testArgs = launch.args.filter((a) => a !== '-g' && a !== 'daemon off;');
      const out = execFileSync('sh', ['-c', 'nginx "$@" -t 2>&1', 'nginx', ...testArgs], {
        encoding: 'utf8',
      });
      assert.match(out, /test is successful/);
    }
  });

  it('nginx-w2 and the HTTP/2 front: worker_processes 2, listen … ssl http2, and they pass nginx -t', () => {
    const two = nginxProxyConfig(join(dir, 'nginx-w2'), 8443, 8080, certs, { workers: 2 });
    const h2 = nginxProxyConfig(join(dir, 'nginx-h2'), 8443, 8080, certs, { http2: true });
    const rp = nginxProxyConfig(join(dir, 'nginx-w2rp'), 8443, 8080, certs, { workers: 2, reusePort: true });
    const conf = (launch: typeof two): string =>
      readFileSync(launch.args[launch.args.indexOf('-c') + 1]!, 'utf8');
    assert.match(conf(two), /^worker_processes 2;$/m);
    assert.match(conf(two), /listen 127\.0\.0\.1:8443 ssl backlog=4096;/);
    assert.match(conf(h2), /^worker_processes 1;$/m);
    assert.match(conf(h2), /listen 127\.0\.0\.1:8443 ssl http2 backlog=4096;/);
    assert.match(conf(rp), /listen 127\.0\.0\.1:8443 ssl reuseport backlog=4096;/);
    for (const launch of [two, h2, rp]) {
      const testArgs = launch.args.filter((a) => a !== '-g' && a !== 'daemon off;');
      const out = execFileSync('sh', ['-c', 'nginx "$@" -t 2>&1', 'nginx', ...testArgs], {
        encoding: 'utf8',
      });
      assert.match(out, /test is successful/);
    }
  });
});

function haproxyCheck(conf: string): string {
  return execFileSync('sh', ['-c', 'haproxy -c -f "$0" 2>&1', conf], { encoding: 'utf8' });
}

describe('haproxy config', { skip: !commandExists('haproxy') && 'haproxy not installed' }, () => {
  it('passes haproxy -c', () => {
    const launch = haproxyConfig(join(dir, 'haproxy'), 8443, 8080, certs);
    assert.match(haproxyCheck(launch.args[launch.args.indexOf('-f') + 1]!), /Configuration file is valid/);
    assert.doesNotMatch(readFileSync(launch.args[2]!, 'utf8'), /alpn/);
  });

  it('the HTTP/2 front offers h2 then http/1.1 by ALPN, and passes haproxy -c', () => {
    const launch = haproxyConfig(join(dir, 'haproxy-h2'), 8443, 8080, certs, { http2: true });
    const conf = launch.args[2]!;
    assert.match(haproxyCheck(conf), /Configuration file is valid/);
    assert.match(readFileSync(conf, 'utf8'), /^\s+bind 127\.0\.0\.1:8443 ssl crt .* alpn h2,http\/1\.1$/m);
  });

  it('passthrough: passes haproxy -c, TCP mode, routes the ClientHello by SNI to the TLS backend', () => {
    const launch = haproxyPassthroughConfig(join(dir, 'haproxy'), 8444, 9443, 'bench.test');
    assert.deepEqual(launch.args.slice(0, 2), ['-db', '-f']);
    const conf = launch.args[2]!;
    assert.match(haproxyCheck(conf), /Configuration file is valid/);
    const text = readFileSync(conf, 'utf8');
    assert.match(text, /^\s+mode tcp$/m);
    assert.match(text, /^\s+nbthread 1$/m);
    assert.match(text, /^\s+bind 127\.0\.0\.1:8444$/m, 'no ssl on the bind: the bytes pass through');
    assert.match(text, /^\s+tcp-request inspect-delay 5s$/m);
    assert.match(text, /^\s+tcp-request content accept if \{ req_ssl_hello_type 1 \}$/m);
    assert.match(text, /^\s+use_backend tls_origin if \{ req_ssl_sni -i bench\.test \}$/m);
    assert.match(text, /^backend tls_origin\n\s+server origin 127\.0\.0\.1:9443$/m);
    assert.doesNotMatch(text, /default_backend/, 'another name matches nothing, as with tlsterm strict_sni');
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

describe('tlsterm L7 config (tlsterm-l7)', () => {
  it('has 10 routes, the last matching everything, to a pool of 3, a rate limit, and passes tlsterm check', async () => {
    const launch = tlstermConfig(join(dir, 'tlsterm-l7'), 8445, 8080, certs, { l7: true });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.pools.app.servers.length, 3);
    const routes = config.listeners[0].sites[0].routes;
    assert.equal(routes.length, 10);
    assert.deepEqual(routes[9], { match: { path_prefix: '/' }, pool: 'app' });
    assert.equal(config.listeners[0].sites[0].rate_limit.key, 'client_ip');
    assert.match(await tlstermCheck(launch), /OK/);
  });
});

describe('tlsterm config for the keys the tree knows', () => {
  it('pins one worker and states the session settings when the schema has them', async () => {
    const features = await tlstermFeatures(repoRoot);
    assert.deepEqual(
      features,
      {
        workers: true,
        session: true,
        limits: true,
        routes: true,
        alpn: true,
        singleProcess: true,
        reusePort: true,
      },
      'this tree has workers:, session:, limits:, pools:, sites[].alpn:, single_process: and reuse_port:',
    );
    const launch = tlstermConfig(join(dir, 'tlsterm-features'), 8443, 8080, certs, { features });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.workers, 1);
    assert.deepEqual(config.listeners[0].session, { cache: true, tickets: true });
    assert.match(await tlstermCheck(launch), /OK/);
  });

  it('tlsterm-w2 and the HTTP/2 front: workers: 2, alpn [h2, http/1.1], and pass tlsterm check', async () => {
    const features = await tlstermFeatures(repoRoot);
    const launch = tlstermConfig(join(dir, 'tlsterm-w2-h2'), 8443, 8080, certs, {
      features,
      workers: 2,
      http2: true,
    });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.workers, 2);
    assert.deepEqual(config.listeners[0].sites[0].alpn, ['h2', 'http/1.1']);
    assert.match(await tlstermCheck(launch), /OK/);
  });

  it('tlsterm-w2rp: workers: 2 and reuse_port: true, and passes tlsterm check', async () => {
    const features = await tlstermFeatures(repoRoot);
    assert.equal(features.reusePort, true);
    const launch = tlstermConfig(join(dir, 'tlsterm-w2rp'), 8443, 8080, certs, {
      features,
      workers: 2,
      reusePort: true,
    });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.workers, 2);
    assert.equal(config.listeners[0].reuse_port, true);
    assert.match(await tlstermCheck(launch), /OK/);
  });

  it('tlsterm-1p: single_process: true with one worker, and passes tlsterm check', async () => {
    const features = await tlstermFeatures(repoRoot);
    const launch = tlstermConfig(join(dir, 'tlsterm-1p'), 8443, 8080, certs, {
      features,
      singleProcess: true,
    });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.single_process, true);
    assert.equal(config.workers, 1);
    assert.match(await tlstermCheck(launch), /OK/);
    const without = tlstermConfig(join(dir, 'tlsterm-1p-old'), 8443, 8080, certs, {
      features: { ...features, singleProcess: false },
      singleProcess: true,
    });
    assert.equal('single_process' in JSON.parse(readFileSync(without.args[3]!, 'utf8')), false);
  });

  it('bench/pairs.ts :warning: log.level warning (no handshake or access line), and passes tlsterm check', async () => {
    const features = await tlstermFeatures(repoRoot);
    const launch = tlstermConfig(join(dir, 'tlsterm-quiet'), 8443, 8080, certs, {
      features,
      singleProcess: true,
      logLevel: 'warning',
    });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.deepEqual(config.log, { level: 'warning' });
    assert.match(await tlstermCheck(launch), /OK/);
    const plain = tlstermConfig(join(dir, 'tlsterm-plain'), 8443, 8080, certs, { features });
    assert.equal('log' in JSON.parse(readFileSync(plain.args[3]!, 'utf8')), false);
  });

  it('leaves both out for a tree from before them', () => {
    const launch = tlstermConfig(join(dir, 'tlsterm-old'), 8443, 8080, certs, {
      features: { workers: false, session: false },
    });
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal('workers' in config, false);
    assert.equal('session' in config.listeners[0], false);
  });
});

describe('tlsterm passthrough config', () => {
  const launch = tlstermPassthroughConfig(join(dir, 'tlsterm'), 8444, 9443, 'bench.test');

  it('has one passthrough site for the bench name, to the TLS backend over tcp://, strict SNI', () => {
    assert.deepEqual(launch.args.slice(1, 3), ['serve', '-c']);
    const config = JSON.parse(readFileSync(launch.args[3]!, 'utf8'));
    assert.equal(config.listeners.length, 1);
    const listener = config.listeners[0];
    assert.equal(listener.address, '127.0.0.1:8444');
    assert.equal(listener.strict_sni, true);
    assert.deepEqual(listener.sites, [
      { hosts: ['bench.test'], mode: 'passthrough', upstream: 'tcp://127.0.0.1:9443' },
    ]);
  });

  it('passes tlsterm check', async () => {
    assert.match(await tlstermCheck(launch), /OK/);
  });
});
