// Built-in ACME, DNS-01 through the user's hook (`HOOK set|clear FQDN VALUE`): here a shell script
// that publishes TXT records in pebble-challtestsrv, the DNS server pebble asks. Wildcards need
// DNS-01. A failing hook is reported with its exit status and output.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readLineage } from '../../src/certs/acme/index.ts';
import { type AcmeEnv, startAcmeEnv } from './acme-harness.ts';

let env: AcmeEnv;
let hook: string;
let hookLog: string;

before(async () => {
  env = await startAcmeEnv('acme-dns01');
  hookLog = path.join(env.dir, 'hook.log');
  hook = path.join(env.dir, 'dns-hook.sh');
  fs.writeFileSync(
    hook,
    `#!/bin/sh
set -e
echo "$1 $2 $3" >> '${hookLog}'
case "$1" in
  set) curl -sf -X POST -d "{\\"host\\":\\"$2.\\",\\"value\\":\\"$3\\"}" '${env.pebble.challtestsrvUrl}/set-txt' ;;
  clear) curl -sf -X POST -d "{\\"host\\":\\"$2.\\"}" '${env.pebble.challtestsrvUrl}/clear-txt' ;;
  *) echo "unknown action $1" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
});
after(() => env.close());

test('DNS-01: a wildcard and its base name, TXT records published and removed by the hook', async () => {
  const hosts = ['dns.example.test', '*.dns.example.test'];
  const { manager, events } = env.manager([env.site(hosts, 'dns-01', { dns_hook: hook })]);
  await manager.start();
  const issued = await events.waitFor((e) => e.event === 'certificate_issued');
  assert.equal(issued['challenge'], 'dns-01');
  const live = await readLineage(env.stateDir, 'dns.example.test');
  assert.deepEqual([...(live?.sans ?? [])].sort(), ['*.dns.example.test', 'dns.example.test']);
  const lines = fs.readFileSync(hookLog, 'utf8').trim().split('\n');
  const sets = lines.filter((l) => l.startsWith('set _acme-challenge.dns.example.test '));
  const clears = lines.filter((l) => l.startsWith('clear _acme-challenge.dns.example.test '));
  assert.equal(sets.length, 2, lines.join('\n')); // one per authorization: base name and wildcard
  assert.equal(clears.length, 2, lines.join('\n'));
  // VALUE is base64url(SHA-256(key authorization)): 43 characters.
  for (const l of sets) assert.match(l.split(' ')[2] ?? '', /^[A-Za-z0-9_-]{43}$/);
});

test('a failing hook is logged with its exit status and output; the placeholder stays in service', async () => {
  const broken = path.join(env.dir, 'broken-hook.sh');
  fs.writeFileSync(broken, '#!/bin/sh\necho "zone example.test: API token rejected" >&2\nexit 3\n', {
    mode: 0o755,
  });
  const { manager, events } = env.manager(
    [env.site(['broken.example.test'], 'dns-01', { dns_hook: broken })],
    {
      backoff: { baseMs: 60_000, capMs: 60_000 },
    },
  );
  await manager.start();
  const before = await readLineage(env.stateDir, 'broken.example.test');
  const failed = await events.waitFor((e) => e.event === 'certificate_renewal_failed');
  assert.match(
    String(failed['error']),
    /broken-hook\.sh set _acme-challenge\.broken\.example\.test exited with status 3/,
  );
  assert.match(String(failed['error']), /API token rejected/);
  assert.equal(failed['serving_placeholder'], true);
  assert.ok(Number(failed['retry_in_ms']) >= 30_000 && Number(failed['retry_in_ms']) <= 60_000);
  const after = await readLineage(env.stateDir, 'broken.example.test');
  assert.equal(after?.serialNumber, before?.serialNumber);
  assert.equal(manager.status()[0]?.state, 'placeholder');
});
