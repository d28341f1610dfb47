// What this Node's OpenSSL can actually do: our tables say what TLS defines, OpenSSL has the last
// word. Each question builds a throwaway SecureContext; the answers never change within a process.

import tls from 'node:tls';
import type { CipherSuite } from './cipher-suites.ts';
import type { NamedGroup } from './groups.ts';

// OpenSSL's verdicts are per name and never change within a process: remember them.
const opensslVerdicts = new Map<string, string | undefined>();

/** undefined when OpenSSL accepts the options, else its error message. Never throws. */
export function askOpenssl(key: string, options: tls.SecureContextOptions): string | undefined {
  if (opensslVerdicts.has(key)) return opensslVerdicts.get(key);
  let verdict: string | undefined;
  try {
    tls.createSecureContext(options);
  } catch (e) {
    verdict = e instanceof Error ? e.message : String(e);
  }
  opensslVerdicts.set(key, verdict);
  return verdict;
}

/** Why a suite cannot be served here, or undefined when it can. */
export function suiteUnusableReason(suite: CipherSuite): string | undefined {
  if (suite.signalling) return 'is a signalling value (SCSV), not a cipher suite';
  if (suite.strength === 'weak')
    return 'is a weak cipher suite (broken cipher, export grade, NULL, MD5 or anonymous)';
  if (suite.kx === 'PSK' || suite.auth === 'PSK')
    return 'is a pre-shared-key suite; tlsterm authenticates with certificates';
  if (suite.openssl === undefined) return 'is not implemented by OpenSSL';
  const options: tls.SecureContextOptions =
    suite.versions === 'tls13'
      ? { ciphers: suite.iana }
      : { ciphers: suite.openssl, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
  const verdict = askOpenssl(`suite:${suite.id}`, options);
  return verdict === undefined ? undefined : `is not supported by this Node's OpenSSL (${verdict})`;
}

/** Why a group cannot be offered here, or undefined when it can. */
export function groupUnusableReason(group: NamedGroup): string | undefined {
  if (group.openssl === undefined) return 'is not implemented by OpenSSL';
  const verdict = askOpenssl(`group:${group.id}`, { ecdhCurve: group.openssl });
  return verdict === undefined ? undefined : `is not supported by this Node's OpenSSL (${verdict})`;
}
