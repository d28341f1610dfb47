// A site's TLS servers: only hellos that can resume by session id alone (TLS 1.2 without tickets)
// go to servers with the session-cache listeners; the others go to servers without them (Node would
// re-parse each hello in C++, look its session id up and serialise every new session for nothing).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type tls from 'node:tls';
import { checkConfigText } from '../../../src/config/index.ts';
import type { ListenerPlan, Plan } from '../../../src/config/plan.ts';
import { listenerResumption, localResumption } from '../../../src/serve/resumption/listener.ts';
import { createSiteRuntime, type SiteRuntime } from '../../../src/serve/site-runtime.ts';
import { chromeLikeHello } from '../../helpers/client-hello.ts';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

let tmp: { dir: string; cleanup(): void };
let pki: Pki;
before(async () => {
  tmp = makeTempDir('site-runtime');
  pki = await makePki(path.join(tmp.dir, 'pki'));
});
after(() => tmp.cleanup());

const hello = (supportedVersions: number[]) => chromeLikeHello({ supportedVersions });
const TLS13 = hello([0x0304, 0x0303]);
const TLS12 = hello([]);
const TLS12_TICKETS = { ...hello([]), sessionTicket: new Uint8Array(0) };

async function runtimeFor(session: string, tlsLine = ''): Promise<{ site: SiteRuntime; close(): void }> {
  const text = `state_dir: ${tmp.dir}/state
extra_ca: [${pki.rootPath}]
listeners:
  - name: public
    address: 127.0.0.1:0
    session: ${session}
${tlsLine}    sites:
      - hosts: [example.test]
        certificates: [{ cert: ${pki.chains.ec.fullchainPath}, key: ${pki.chains.ec.keyPath} }]
        handler: inspect
`;
  const r = await checkConfigText(text, path.join(tmp.dir, 'tlsterm.yaml'));
  assert.ok(r.plan, JSON.stringify(r.problems));
  const plan: Plan = r.plan;
  const listener: ListenerPlan = plan.listeners[0]!;
  const state = await localResumption(() => {})(listener, plan);
  const site = createSiteRuntime(listener, listener.sites[0]!, listenerResumption(listener, state), () => {});
  return {
    site,
    close: () => {
      site.close();
      void state.close();
    },
  };
}

const cacheListeners = (server: tls.Server | null): number =>
  server === null ? -1 : server.listenerCount('newSession') + server.listenerCount('resumeSession');

describe('site runtime servers', () => {
  test('session cache on: only TLS 1.2 hellos without ticket support go to servers with its listeners', async () => {
    const { site, close } = await runtimeFor('{ cache: true, tickets: true }');
    assert.equal(cacheListeners(site.serverFor(TLS13)), 0);
    assert.equal(cacheListeners(site.serverFor(TLS12)), 2);
    assert.equal(cacheListeners(site.serverFor(TLS12_TICKETS)), 0, 'resumes by ticket');
    assert.notEqual(site.serverFor(TLS13), site.serverFor(TLS12));
    assert.equal(site.servers().length, 2, 'one of each for the current key');
    close();
  });

  test('a listener capped at TLS 1.2 sends TLS 1.3-capable hellos to the cached servers', async () => {
    const { site, close } = await runtimeFor(
      '{ cache: true, tickets: false }',
      '    tls: { max_version: TLS1.2 }\n',
    );
    assert.equal(cacheListeners(site.serverFor(TLS13)), 2);
    assert.equal(cacheListeners(site.serverFor(TLS12_TICKETS)), 2, 'tickets off: only the cache resumes');
    close();
  });

  test('session cache off: one set of servers, none with listeners', async () => {
    const { site, close } = await runtimeFor('{ cache: false, tickets: true }');
    assert.equal(site.serverFor(TLS13), site.serverFor(TLS12));
    assert.equal(cacheListeners(site.serverFor(TLS12)), 0);
    assert.equal(site.servers().length, 1);
    close();
  });
});
