import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DnsHookError, dnsChallengeName, runDnsHook } from '../../../../src/certs/acme/dns-hook.ts';
import { makeTempDir } from '../../../helpers/pki.ts';

const tmp = makeTempDir('dns-hook');
after(() => tmp.cleanup());

const script = (name: string, body: string): string => {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
};

test('the record name: _acme-challenge plus the name, without a wildcard label', () => {
  assert.equal(dnsChallengeName('example.com'), '_acme-challenge.example.com');
  assert.equal(dnsChallengeName('*.example.com'), '_acme-challenge.example.com');
});

test('the hook is called as HOOK set|clear FQDN VALUE', async () => {
  const log = path.join(tmp.dir, 'calls.log');
  const hook = script('ok.sh', `echo "$@" >> '${log}'`);
  await runDnsHook(hook, 'set', '_acme-challenge.a.test', 'VALUE1');
  await runDnsHook(hook, 'clear', '_acme-challenge.a.test', 'VALUE1');
  assert.equal(
    fs.readFileSync(log, 'utf8'),
    'set _acme-challenge.a.test VALUE1\nclear _acme-challenge.a.test VALUE1\n',
  );
});

test('a failing hook: its exit status and the tail of its output are in the error', async () => {
  const hook = script('fail.sh', 'echo "calling provider"; echo "403 Forbidden" >&2; exit 7');
  await assert.rejects(runDnsHook(hook, 'set', '_acme-challenge.a.test', 'V'), (e: unknown) => {
    assert.ok(e instanceof DnsHookError);
    assert.match(
      e.message,
      /fail\.sh set _acme-challenge\.a\.test exited with status 7: calling provider\n403 Forbidden/,
    );
    return true;
  });
});

test('a hook that hangs is killed after the timeout; a missing hook says so', async () => {
  const hook = script('hang.sh', 'exec sleep 30');
  await assert.rejects(runDnsHook(hook, 'set', 'x', 'v', { timeoutMs: 300 }), /timed out after 300 ms/);
  await assert.rejects(
    runDnsHook(path.join(tmp.dir, 'missing.sh'), 'set', 'x', 'v'),
    /missing\.sh set x not found/,
  );
});
