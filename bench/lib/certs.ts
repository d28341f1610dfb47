// A throw-away PKI made with the openssl CLI: root CA -> intermediate -> leaf, all ECDSA P-256, so
// each server sends a realistic two-certificate chain (leaf + intermediate) like a public site.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchCerts {
  /** Leaf then intermediate: what nginx, HAProxy and tlsterm serve. */
  readonly fullchain: string;
  readonly key: string;
  /** fullchain + key in one file, the form HAProxy's `crt` reads. */
  readonly combined: string;
  /** The root, for clients that verify. */
  readonly ca: string;
  readonly hostname: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCerts(dir: string, hostname: string): BenchCerts {
  mkdirSync(dir, { recursive: true });
  // 90 days: short-lived certificates make tlsterm (rightly) warn of the coming expiry at start-up.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '90', '-subj', '/CN=bench root'],
    dir,
  );

  writeFileSync(
    join(dir, 'ca.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  openssl(['req', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=bench intermediate'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'int.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '90',
      '-extfile',
      'ca.ext',
      '-out',
      'int.pem',
    ],
    dir,
  );

  writeFileSync(
    join(dir, 'leaf.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${hostname},IP:127.0.0.1\n`,
  );
  openssl(['req', ...ec, '-keyout', 'privkey.pem', '-out', 'leaf.csr', '-subj', `/CN=${hostname}`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'int.pem',
      '-CAkey',
      'int.key',
      '-CAcreateserial',
      '-days',
      '90',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    ],
    dir,
  );

  const fullchain = readFileSync(join(dir, 'leaf.pem'), 'utf8') + readFileSync(join(dir, 'int.pem'), 'utf8');
  writeFileSync(join(dir, 'fullchain.pem'), fullchain);
  writeFileSync(join(dir, 'combined.pem'), fullchain + readFileSync(join(dir, 'privkey.pem'), 'utf8'), {
    mode: 0o600,
  });
  return {
    fullchain: join(dir, 'fullchain.pem'),
    key: join(dir, 'privkey.pem'),
    combined: join(dir, 'combined.pem'),
    ca: join(dir, 'ca.pem'),
    hostname,
  };
}
