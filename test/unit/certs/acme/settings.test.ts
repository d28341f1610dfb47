import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AcmeSettings,
  acmeSiteFromPlan,
  checkAcmeSettings,
  directoryUrl,
} from '../../../../src/certs/acme/settings.ts';

const base: AcmeSettings = { email: 'ops@example.com', directory: 'letsencrypt', challenge: 'http-01' };
const messages = (hosts: string[], acme: AcmeSettings): string[] =>
  checkAcmeSettings(hosts, acme, 'listeners[0].sites[0].acme').map((p) => `${p.path}: ${p.message}`);

test('a plain HTTP-01 site is fine; letsencrypt names the production directory', () => {
  assert.deepEqual(messages(['example.com'], base), []);
  assert.equal(directoryUrl('letsencrypt'), 'https://acme-v02.api.letsencrypt.org/directory');
  assert.equal(directoryUrl('https://ca.internal/acme/dir'), 'https://ca.internal/acme/dir');
  assert.equal(directoryUrl('letsencrypt-staging'), 'https://acme-staging-v02.api.letsencrypt.org/directory');
  assert.deepEqual(messages(['example.com'], { ...base, directory: 'letsencrypt-staging' }), []);
});

test('what cannot work is reported at its config path', () => {
  assert.deepEqual(messages(['*.example.com'], base), [
    "listeners[0].sites[0].acme.challenge: wildcard host '*.example.com' needs challenge dns-01 (CAs validate wildcards only through DNS)",
  ]);
  assert.deepEqual(messages(['example.com'], { ...base, challenge: 'dns-01' }), [
    'listeners[0].sites[0].acme.dns_hook: challenge dns-01 needs a dns_hook',
  ]);
  assert.deepEqual(messages(['example.com'], { ...base, directory: 'letsencrpyt' }), [
    "listeners[0].sites[0].acme.directory: 'letsencrpyt' is neither a directory URL nor a known CA",
  ]);
  assert.deepEqual(messages(['example.com'], { ...base, email: 'ops' }), [
    "listeners[0].sites[0].acme.email: 'ops' is not an email address",
  ]);
  assert.deepEqual(messages(['192.0.2.1'], base), [
    'listeners[0].sites[0].acme: ACME certificates are for DNS names; 192.0.2.1 is an IP address',
  ]);
});

test("a checked plan's acme block maps onto the manager's site config", () => {
  assert.deepEqual(
    acmeSiteFromPlan({
      hosts: ['*.a.test', 'a.test'],
      acme: {
        directory: 'https://ca/dir',
        challenge: 'dns-01',
        caPem: 'PEM',
        dnsHook: '/etc/hook',
        lineage: 'a.test',
      },
    }),
    {
      name: 'a.test',
      hosts: ['*.a.test', 'a.test'],
      acme: { directory: 'https://ca/dir', challenge: 'dns-01', caPem: 'PEM', dns_hook: '/etc/hook' },
    },
  );
  assert.deepEqual(
    messages(['a.test'], { directory: 'letsencrypt', challenge: 'http-01' }),
    [],
    'email is optional',
  );
});
