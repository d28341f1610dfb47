// What was measured on: recorded with every result so figures from different machines are not mixed up.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

// Tools disagree on stdout vs stderr (nginx -v uses stderr) and on exit codes (wrk --version exits 1).
function versionLine(command: string): string | null {
  try {
    const out = execFileSync('sh', ['-c', `${command} 2>&1; true`], { encoding: 'utf8' });
    return out.split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

export function describeEnvironment(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    nginx: versionLine('nginx -v'),
    haproxy: versionLine('haproxy -v'),
    wrk: versionLine('wrk --version'),
    curl: versionLine('curl --version'),
    opensslCli: versionLine('openssl version'),
    tlstermCommit: versionLine('git rev-parse --short HEAD'),
  };
}
