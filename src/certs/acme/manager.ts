// The certificate manager: for each ACME site, keep live/<name>/ holding a valid certificate for its
// hosts. Serve a self-signed placeholder until the first issuance; order at once when there is no
// real certificate; renew when ARI (RFC 9773) says so, else at one third of lifetime left; on failure
// keep what is in service, log the CA's problem document, and retry with capped exponential backoff.
// Only one instance orders a name at a time (LockStore); with a SharedCertificateStore (several
// hosts) the one that orders publishes the result and the others adopt it. acme-client is imported
// lazily, on the first order, so importing this module costs the serving path nothing.

import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import type { Logger } from '../../observe/logger.ts';
import { coveredBy, parseSubjectAltName } from '../names.ts';
import { pemBlocks } from '../pem.ts';
import {
  type AccountPaths,
  accountPaths,
  loadOrCreateAccountKey,
  readAccountMeta,
  writeAccountMeta,
} from './account.ts';
import {
  type AcmeCallContext,
  type AcmeClient,
  type AcmeModule,
  loadAcmeClient,
  withAcmeContext,
} from './acme-client-context.ts';
import { fetchDirectory, fetchRenewalInfo, trustedRoots } from './acme-fetch.ts';
import { ariCertId, ariPollDelay, parseRenewalInfo, type RenewalInfo } from './ari.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { type ChallengeStore, createFileChallengeStore } from './challenge-store.ts';
import { dnsChallengeName, runDnsHook } from './dns-hook.ts';
import { writeFileAtomic } from './files.ts';
import {
  assignLineageNames,
  type LineageCertificate,
  type LineagePaths,
  lineageFacts,
  lineagePaths,
  readLineage,
  writeLineageVersion,
} from './lineage.ts';
import { createFileLockStore, type Lock, type LockStore } from './lock-store.ts';
import { runOrder } from './order.ts';
import { ensurePlaceholderCertificate } from './placeholder.ts';
import { type AcmeProblem, formatAcmeProblem, problemHint } from './problem.ts';
import { type IssueReason, issueReason, planRenewal, type RenewalPlan } from './renewal.ts';
import { type RenewalRecord, writeRenewalRecord } from './renewal-record.ts';
import { challengeKey } from './responders.ts';
import { type AcmeSettings, type AcmeSiteConfig, directoryUrl } from './settings.ts';
import type { SharedCertificateStore } from './shared-store.ts';
import { createTlsAlpn01Certificate } from './tls-alpn-certificate.ts';

export interface CertificateManagerOptions {
  readonly stateDir: string;
  readonly sites: readonly AcmeSiteConfig[];
  readonly log: Logger;
  /** Where challenge answers go for the data plane; default files in state_dir/acme/challenges. */
  readonly challengeStore?: ChallengeStore;
  /** Order locks; default files in state_dir/acme/locks. */
  readonly lockStore?: LockStore;
  /**
   * Certificates and account keys shared with instances on other hosts (Redis): published after each
   * issuance, adopted from there before ordering. Default none (one host, or a shared state_dir).
   */
  readonly shared?: SharedCertificateStore;
  readonly backoff?: BackoffPolicy;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** How acme-client polls a challenge/order: first delay, cap, attempts. Default 1 s, 10 s, 15. */
  readonly statusPoll?: { readonly minMs: number; readonly maxMs: number; readonly attempts: number };
  /** Per HTTP request to the CA; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Default 3 min. */
  readonly dnsHookTimeoutMs?: number;
  /** Order lock lifetime (extended while the order runs); default 10 min. */
  readonly lockTtlMs?: number;
  /** When another instance holds the order lock, look again after; default 1 min. */
  readonly lockRetryMs?: number;
  /** Wake at least this often to re-read the files; default 12 h. */
  readonly maxSleepMs?: number;
  /** How long a published challenge answer lives; default 1 h. */
  readonly challengeTtlMs?: number;
}

export type ManagedState = 'starting' | 'placeholder' | 'valid' | 'ordering' | 'failing';

export interface ManagedCertificateStatus {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly directory: string;
  readonly challenge: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly state: ManagedState;
  readonly serial?: string;
  readonly notAfter?: Date;
  readonly nextRenewal?: RenewalPlan;
  readonly failures: number;
  readonly lastError?: string;
  readonly lastProblem?: AcmeProblem;
  readonly nextAttemptAt?: Date;
}

export interface CertificateManager {
  /** Write placeholders where needed (so the files exist for the serving side), then start the loops. */
  start(): Promise<void>;
  /** Stop timers; waits (up to 10 s) for orders in flight. */
  stop(): Promise<void>;
  status(): ManagedCertificateStatus[];
  /** Order now whatever the schedule says (a `tlsterm cert renew`); resolves true on success. */
  renewNow(name: string): Promise<boolean>;
  /** live/<name>/ paths of a site, by lineage name. */
  readonly paths: ReadonlyMap<string, LineagePaths>;
}

interface Entry {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly settings: AcmeSettings;
  readonly directory: string;
  readonly paths: LineagePaths;
  state: ManagedState;
  timer?: NodeJS.Timeout;
  running?: Promise<boolean>;
  /** A timer fired while running: evaluate again once done. */
  again?: boolean;
  current?: LineageCertificate;
  plan?: RenewalPlan;
  loggedPlan?: string;
  ari?: { serial: string; info: RenewalInfo; nextPollAt: number };
  failures: number;
  lastError?: string;
  lastProblem?: AcmeProblem;
  nextAttemptAt?: Date;
}

interface AccountClient {
  readonly acme: AcmeModule;
  readonly client: AcmeClient;
  readonly agent: https.Agent | undefined;
  readonly caPem: string | undefined;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const DIRECTORY_MAX_AGE_MS = 24 * 3_600_000;

export function createCertificateManager(opts: CertificateManagerOptions): CertificateManager {
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const log = opts.log;
  const store = opts.challengeStore ?? createFileChallengeStore(`${opts.stateDir}/acme/challenges`);
  const locks = opts.lockStore ?? createFileLockStore(`${opts.stateDir}/acme/locks`);
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const poll = opts.statusPoll ?? { minMs: 1_000, maxMs: 10_000, attempts: 15 };
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const lockTtlMs = opts.lockTtlMs ?? 10 * 60_000;
  const lockRetryMs = opts.lockRetryMs ?? 60_000;
  const maxSleepMs = opts.maxSleepMs ?? 12 * 3_600_000;
  const challengeTtlMs = opts.challengeTtlMs ?? 3_600_000;

  const names = assignLineageNames(opts.sites.map((s) => s.hosts));
  const entries = new Map<string, Entry>();
  opts.sites.forEach((site, i) => {
    const name = site.name ?? names[i] ?? `certificate-${i}`;
    const earlier = entries.get(name);
    if (earlier) {
      // Same hosts as an earlier site: one certificate serves both. Other hosts: a config mistake.
      const same = (a: readonly string[], b: readonly string[]): boolean =>
        a.length === b.length && [...a].sort().every((h, k) => h === [...b].sort()[k]);
      if (!same(earlier.hosts, site.hosts)) {
        log({
          event: 'acme_lineage_conflict',
          level: 'error',
          name,
          hosts: site.hosts,
          managed_hosts: earlier.hosts,
          detail: `two sites share live/${name}/ with different hosts; only the first one's are ordered`,
        });
      }
      return;
    }
    entries.set(name, {
      name,
      hosts: [...site.hosts],
      settings: site.acme,
      directory: directoryUrl(site.acme.directory),
      paths: lineagePaths(opts.stateDir, name),
      state: 'starting',
      failures: 0,
    });
  });

  let stopped = false;
  const accounts = new Map<string, Promise<AccountClient>>();
  const directories = new Map<string, { at: number; dir: Promise<Record<string, unknown>> }>();

  // --- the ACME account and client, one per directory (+ trust)

  const contactsFor = (directory: string): string[] => [
    ...new Set(
      [...entries.values()]
        .filter((e) => e.directory === directory && e.settings.email)
        .map((e) => `mailto:${e.settings.email}`),
    ),
  ];

  const caPemOf = async (entry: Entry): Promise<string | undefined> =>
    entry.settings.caPem ?? (entry.settings.ca ? await fs.readFile(entry.settings.ca, 'utf8') : undefined);

  const callContext = (agent: https.Agent | undefined): AcmeCallContext => ({
    ...(agent ? { httpsAgent: agent } : {}),
    timeoutMs: requestTimeoutMs,
    problems: [],
  });

  /** The local key, or with a shared store the one every host uses (written locally as well). */
  const accountKey = async (
    paths: AccountPaths,
    directory: string,
  ): Promise<{ keyPem: string; created: boolean }> => {
    const local = await loadOrCreateAccountKey(paths);
    if (!opts.shared) return local;
    const agreed = await opts.shared.accountKey(directory, local.keyPem);
    if (agreed === local.keyPem) return local;
    await writeFileAtomic(paths.keyPath, agreed, 0o600);
    // The remembered URL belongs to the local key's account; the CA tells the shared one's.
    await fs.rm(paths.metaPath, { force: true });
    log({
      event: 'acme_account_shared',
      level: 'info',
      directory,
      detail: 'using the account key shared by the other instances',
    });
    return { keyPem: agreed, created: false };
  };

  /** `problems` collects the CA's problem documents for the attempt that asked (creation can fail). */
  const openAccount = async (entry: Entry, problems: AcmeProblem[]): Promise<AccountClient> => {
    const acme = await loadAcmeClient();
    const caPem = await caPemOf(entry);
    const ca = trustedRoots(caPem);
    const agent = ca ? new https.Agent({ ca, keepAlive: true }) : undefined;
    const paths = accountPaths(opts.stateDir, entry.directory);
    const { keyPem, created } = await accountKey(paths, entry.directory);
    const meta = await readAccountMeta(paths);
    const client = new acme.Client({
      directoryUrl: entry.directory,
      accountKey: keyPem,
      ...(meta?.directory === entry.directory ? { accountUrl: meta.url } : {}),
      backoffAttempts: poll.attempts,
      backoffMin: poll.minMs,
      backoffMax: poll.maxMs,
    });
    const contact = contactsFor(entry.directory);
    await withAcmeContext({ ...callContext(agent), problems }, () =>
      client.createAccount({ termsOfServiceAgreed: true, ...(contact.length > 0 ? { contact } : {}) }),
    );
    const url = client.getAccountUrl();
    if (meta?.url !== url) {
      await writeAccountMeta(paths, { directory: entry.directory, url, email: entry.settings.email ?? '' });
      log({
        event: 'acme_account_ready',
        level: 'info',
        directory: entry.directory,
        account_url: url,
        key_created: created,
        contact,
      });
    }
    return { acme, client, agent, caPem };
  };

  const accountFor = (entry: Entry, problems: AcmeProblem[]): Promise<AccountClient> => {
    const key = `${entry.directory}\n${entry.settings.caPem ?? entry.settings.ca ?? ''}`;
    let p = accounts.get(key);
    if (!p) {
      p = openAccount(entry, problems);
      accounts.set(key, p);
      // A failure (CA down) must not be remembered: the next attempt tries again.
      p.catch(() => accounts.delete(key));
    }
    return p;
  };

  const directoryOf = (entry: Entry, caPem: string | undefined): Promise<Record<string, unknown>> => {
    const cached = directories.get(entry.directory);
    if (cached && now().getTime() - cached.at < DIRECTORY_MAX_AGE_MS) return cached.dir;
    const dir = fetchDirectory(entry.directory, {
      ...(caPem ? { ca: caPem } : {}),
      timeoutMs: requestTimeoutMs,
    });
    directories.set(entry.directory, { at: now().getTime(), dir });
    dir.catch(() => directories.delete(entry.directory));
    return dir;
  };

  const renewalInfoUrl = async (entry: Entry, caPem: string | undefined): Promise<string | undefined> => {
    const url = (await directoryOf(entry, caPem))['renewalInfo'];
    return typeof url === 'string' ? url : undefined;
  };

  // --- challenges: publish for the data plane, withdraw after

  const present =
    (entry: Entry) =>
    async (
      type: AcmeSettings['challenge'],
      identifier: string,
      token: string,
      keyAuthorization: string,
    ): Promise<() => Promise<void>> => {
      if (type === 'http-01') {
        const key = challengeKey.http01(token);
        await store.set(key, keyAuthorization, challengeTtlMs);
        return () => store.delete(key);
      }
      if (type === 'tls-alpn-01') {
        const key = challengeKey.tlsAlpn01(identifier);
        const cert = await createTlsAlpn01Certificate(identifier, keyAuthorization, now());
        await store.set(key, JSON.stringify(cert), challengeTtlMs);
        return () => store.delete(key);
      }
      const hook = entry.settings.dns_hook;
      if (!hook) throw new Error('challenge dns-01 needs a dns_hook');
      const fqdn = dnsChallengeName(identifier);
      const hookOpts = opts.dnsHookTimeoutMs ? { timeoutMs: opts.dnsHookTimeoutMs } : {};
      await runDnsHook(hook, 'set', fqdn, keyAuthorization, hookOpts);
      return () => runDnsHook(hook, 'clear', fqdn, keyAuthorization, hookOpts);
    };

  // --- several hosts: adopt what another instance published

  /**
   * Write the shared version of `entry` into live/ when it is better than what is there: it fits the
   * site (key, hosts, dates) and the local one does not, or it lasts longer. The store being
   * unreachable leaves the local files as they are (logged, not thrown).
   */
  const adoptShared = async (entry: Entry): Promise<boolean> => {
    if (!opts.shared) return false;
    let version: Awaited<ReturnType<SharedCertificateStore['getCertificate']>>;
    try {
      version = await opts.shared.getCertificate(entry.name);
    } catch (e) {
      log({
        event: 'acme_shared_store_failed',
        level: 'warn',
        name: entry.name,
        operation: 'read',
        error: e instanceof Error ? e.message : String(e),
      });
      return false;
    }
    const facts = version ? lineageFacts(version.fullchainPem, version.keyPem) : undefined;
    if (!version || !facts || facts.selfSigned) return false;
    const t = now();
    const local = await readLineage(opts.stateDir, entry.name);
    if (local?.serialNumber === facts.serialNumber) return false;
    if (issueReason(facts, entry.hosts, t)) return false;
    if (local && !issueReason(local, entry.hosts, t) && local.notAfter.getTime() >= facts.notAfter.getTime())
      return false;
    await writeLineageVersion(opts.stateDir, entry.name, version);
    log({
      event: 'certificate_adopted',
      level: 'info',
      name: entry.name,
      hosts: entry.hosts,
      serial: facts.serialNumber,
      not_after: facts.notAfter.toISOString(),
      replaced_serial: local?.serialNumber ?? null,
      cert: entry.paths.fullchain,
      detail: 'issued by another instance; taken from the shared store',
    });
    return true;
  };

  const publish = async (entry: Entry, version: { fullchainPem: string; keyPem: string }, notAfter: Date) => {
    if (!opts.shared) return;
    try {
      const ttlMs = Math.max(3_600_000, notAfter.getTime() - now().getTime());
      await opts.shared.putCertificate(entry.name, version, ttlMs);
    } catch (e) {
      log({
        event: 'acme_shared_store_failed',
        level: 'warn',
        name: entry.name,
        operation: 'publish',
        error: e instanceof Error ? e.message : String(e),
        detail: 'the other instances will order this name themselves',
      });
    }
  };

  // --- scheduling

  const persist = async (entry: Entry): Promise<void> => {
    const record: RenewalRecord = {
      name: entry.name,
      hosts: entry.hosts,
      directory: entry.directory,
      challenge: entry.settings.challenge,
      ...(entry.current && !entry.current.selfSigned
        ? { serial: entry.current.serialNumber, notAfter: entry.current.notAfter.toISOString() }
        : {}),
      ...(entry.plan ? { nextRenewalAt: entry.plan.at.toISOString(), renewalSource: entry.plan.source } : {}),
      ...(entry.plan?.window
        ? {
            ariWindow: {
              start: entry.plan.window.start.toISOString(),
              end: entry.plan.window.end.toISOString(),
            },
          }
        : {}),
      ...(entry.ari?.info.explanationUrl ? { ariExplanationUrl: entry.ari.info.explanationUrl } : {}),
      failures: entry.failures,
      ...(entry.lastError ? { lastError: entry.lastError } : {}),
      ...(entry.lastProblem ? { lastProblem: entry.lastProblem } : {}),
      ...(entry.nextAttemptAt ? { nextAttemptAt: entry.nextAttemptAt.toISOString() } : {}),
      updatedAt: now().toISOString(),
    };
    try {
      await writeRenewalRecord(opts.stateDir, record);
    } catch (e) {
      log({ event: 'acme_state_write_failed', level: 'warn', name: entry.name, error: String(e) });
    }
  };

  const schedule = (entry: Entry, at: Date): void => {
    if (stopped) return;
    if (entry.timer) clearTimeout(entry.timer);
    const delay = Math.min(Math.max(0, at.getTime() - now().getTime()), maxSleepMs, MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void run(entry, false);
    }, delay);
  };

  const run = (entry: Entry, force: boolean): Promise<boolean> => {
    if (entry.running) {
      if (!force) entry.again = true;
      return entry.running;
    }
    const p = (force ? attempt(entry, 'requested', entry.current) : evaluate(entry))
      .catch((e: unknown) => {
        // A bug or an unusable state directory: log it, and look again later.
        log({ event: 'certificate_manager_error', level: 'error', name: entry.name, error: String(e) });
        schedule(entry, new Date(now().getTime() + backoff.baseMs));
        return false;
      })
      .finally(() => {
        entry.running = undefined;
        if (entry.again && !stopped) {
          entry.again = false;
          void run(entry, false);
        }
      });
    entry.running = p;
    return p;
  };

  /** The renewal plan for a real certificate: ARI when the CA offers it, else one third of lifetime. */
  const planFor = async (entry: Entry, current: LineageCertificate): Promise<RenewalPlan> => {
    const previous =
      entry.plan && entry.current?.serialNumber === current.serialNumber ? entry.plan : undefined;
    const lifetime = (): RenewalPlan =>
      planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        ...(previous ? { previous } : {}),
      });
    const t = now().getTime();
    if (entry.ari?.serial === current.serialNumber && t < entry.ari.nextPollAt) {
      return planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        window: entry.ari.info.window,
        ...(previous ? { previous } : {}),
        random,
      });
    }
    try {
      const caPem = await caPemOf(entry);
      const url = await renewalInfoUrl(entry, caPem);
      const certId = url ? ariCertId(current.certPem) : undefined;
      if (!url || !certId) return lifetime();
      const res = await fetchRenewalInfo(url, certId, {
        ...(caPem ? { ca: caPem } : {}),
        timeoutMs: requestTimeoutMs,
      });
      const parsed = parseRenewalInfo(res.body);
      if (!parsed.ok) throw new Error(parsed.error);
      entry.ari = {
        serial: current.serialNumber,
        info: parsed.value,
        nextPollAt: t + ariPollDelay(res.retryAfter, now()),
      };
      return planRenewal({
        notBefore: current.notBefore,
        notAfter: current.notAfter,
        window: parsed.value.window,
        ...(previous ? { previous } : {}),
        random,
      });
    } catch (e) {
      log({
        event: 'acme_renewal_info_failed',
        level: 'warn',
        name: entry.name,
        error: e instanceof Error ? e.message : String(e),
        fallback: 'one third of lifetime left',
      });
      return lifetime();
    }
  };

  const evaluate = async (entry: Entry): Promise<boolean> => {
    if (stopped) return false;
    if (await adoptShared(entry)) {
      // What this instance failed to get, another one got: no reason left to back off.
      entry.failures = 0;
      entry.lastError = undefined;
      entry.lastProblem = undefined;
      entry.nextAttemptAt = undefined;
    }
    let current = await readLineage(opts.stateDir, entry.name);
    const t = now();
    if (!current || (current.selfSigned && current.notAfter.getTime() - t.getTime() < 86_400_000)) {
      // Issuance has failed for weeks (or the files went away): keep something valid in place.
      await ensurePlaceholderCertificate(opts.stateDir, entry.name, entry.hosts, t);
      current = await readLineage(opts.stateDir, entry.name);
    }
    const reason = issueReason(current, entry.hosts, t);
    entry.current = current;
    if (entry.nextAttemptAt && t < entry.nextAttemptAt) {
      schedule(entry, entry.nextAttemptAt); // backing off
      return false;
    }
    if (reason) return attempt(entry, reason, current);
    if (!current) return false;
    entry.state = 'valid';
    const plan = await planFor(entry, current);
    entry.plan = plan;
    const planKey = `${current.serialNumber} ${plan.at.toISOString()}`;
    if (entry.loggedPlan !== planKey) {
      entry.loggedPlan = planKey;
      log({
        event: 'certificate_renewal_scheduled',
        level: 'info',
        name: entry.name,
        serial: current.serialNumber,
        not_after: current.notAfter.toISOString(),
        renew_at: plan.at.toISOString(),
        source: plan.source,
        ...(plan.window
          ? { window_start: plan.window.start.toISOString(), window_end: plan.window.end.toISOString() }
          : {}),
        ...(entry.ari?.info.explanationUrl ? { explanation_url: entry.ari.info.explanationUrl } : {}),
      });
      await persist(entry);
    }
    if (plan.at.getTime() <= t.getTime()) return attempt(entry, 'renewal', current);
    const nextPoll = entry.ari?.nextPollAt;
    schedule(entry, new Date(Math.min(plan.at.getTime(), nextPoll ?? Number.POSITIVE_INFINITY)));
    return false;
  };

  /** Keep the order lock alive while a long order (DNS propagation) runs. */
  const holdLock = (lock: Lock): (() => void) => {
    let held = lock;
    const timer = setInterval(
      () => {
        void locks.extend(held, lockTtlMs).then((l) => {
          if (l) held = l;
        });
      },
      Math.max(1000, lockTtlMs / 3),
    );
    timer.unref();
    return () => clearInterval(timer);
  };

  /** Order for `entry`; `seen` is the certificate the decision to order was based on. */
  const attempt = async (
    entry: Entry,
    reason: IssueReason | 'renewal' | 'requested',
    seen: LineageCertificate | undefined,
  ): Promise<boolean> => {
    if (stopped) return false;
    const lockName = `acme-order:${entry.name}`;
    const lock = await locks.acquire(lockName, lockTtlMs);
    if (!lock) {
      const holder = await locks.holder(lockName);
      log({
        event: 'certificate_order_locked',
        level: 'info',
        name: entry.name,
        held_by: holder?.owner ?? null,
        until: holder?.expiresAt.toISOString() ?? null,
      });
      schedule(entry, new Date(now().getTime() + lockRetryMs));
      return false;
    }
    const release = holdLock(lock);
    // The lock may have been held by another host that ordered this name meanwhile.
    if (reason !== 'requested') await adoptShared(entry);
    const before = await readLineage(opts.stateDir, entry.name);
    const ctx = callContext(undefined);
    try {
      // Another instance sharing the state directory may have ordered in the meantime.
      if (
        reason !== 'requested' &&
        before &&
        before.serialNumber !== seen?.serialNumber &&
        !issueReason(before, entry.hosts, now())
      ) {
        entry.current = before;
        schedule(entry, now());
        return false;
      }
      entry.state = 'ordering';
      log({
        event: 'certificate_order_started',
        level: 'info',
        name: entry.name,
        hosts: entry.hosts,
        reason,
        challenge: entry.settings.challenge,
        directory: entry.directory,
      });
      const account = await accountFor(entry, ctx.problems);
      const renewing = before !== undefined && !before.selfSigned;
      const replaces =
        renewing && (await renewalInfoUrl(entry, account.caPem).catch(() => undefined))
          ? ariCertId(before.certPem)
          : undefined;
      const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const order = (withReplaces: string | undefined): Promise<string> =>
        withAcmeContext({ ...ctx, ...(account.agent ? { httpsAgent: account.agent } : {}) }, () =>
          runOrder(
            account.acme,
            account.client,
            {
              hosts: entry.hosts,
              challenge: entry.settings.challenge,
              keyPem,
              ...(withReplaces ? { replaces: withReplaces } : {}),
            },
            present(entry),
            (e) =>
              log({
                event: 'acme_challenge_cleanup_failed',
                level: 'warn',
                name: entry.name,
                error: e instanceof Error ? e.message : String(e),
              }),
          ),
        );
      let fullchain: string;
      try {
        fullchain = await order(replaces);
      } catch (e) {
        // A CA may refuse `replaces` (already replaced, or not the same account): order without it.
        if (!replaces) throw e;
        const refused = ctx.problems[ctx.problems.length - 1];
        log({
          event: 'acme_replaces_refused',
          level: 'info',
          name: entry.name,
          replaces,
          error: refused ? formatAcmeProblem(refused) : e instanceof Error ? e.message : String(e),
          detail: 'ordering again without "replaces"',
        });
        ctx.problems.length = 0;
        fullchain = await order(undefined);
      }
      const leaf = checkIssued(fullchain, keyPem, entry.hosts);
      await writeLineageVersion(opts.stateDir, entry.name, { fullchainPem: fullchain, keyPem });
      await publish(entry, { fullchainPem: fullchain, keyPem }, leaf.validToDate);
      const written = await readLineage(opts.stateDir, entry.name);
      entry.current = written;
      entry.failures = 0;
      entry.lastError = undefined;
      entry.lastProblem = undefined;
      entry.nextAttemptAt = undefined;
      entry.ari = undefined;
      entry.plan = written
        ? planRenewal({ notBefore: written.notBefore, notAfter: written.notAfter })
        : undefined;
      entry.state = 'valid';
      await persist(entry);
      log({
        event: 'certificate_issued',
        level: 'info',
        name: entry.name,
        hosts: entry.hosts,
        reason,
        serial: leaf.serialNumber,
        not_before: leaf.validFromDate.toISOString(),
        not_after: leaf.validToDate.toISOString(),
        issuer: leaf.issuer.split('\n').join(', '),
        replaced_serial: before && !before.selfSigned ? before.serialNumber : null,
        cert: entry.paths.fullchain,
        key: entry.paths.privkey,
        directory: entry.directory,
        challenge: entry.settings.challenge,
      });
      schedule(entry, now()); // plan the renewal (ARI for the new certificate)
      return true;
    } catch (e) {
      entry.failures++;
      const delay = backoffDelay(entry.failures, backoff, random);
      const problem = ctx.problems[ctx.problems.length - 1];
      const message = e instanceof Error ? e.message : String(e);
      entry.lastError = message;
      entry.lastProblem = problem;
      entry.nextAttemptAt = new Date(now().getTime() + delay);
      entry.state = !before || before.selfSigned ? 'placeholder' : 'failing';
      await persist(entry);
      log({
        event: 'certificate_renewal_failed',
        level: 'error',
        name: entry.name,
        hosts: entry.hosts,
        reason,
        attempt: entry.failures,
        error: problem ? formatAcmeProblem(problem) : message,
        problem: problem ?? null,
        hint: problemHint(problem, entry.settings.challenge),
        serving_serial: before?.serialNumber ?? null,
        serving_placeholder: before?.selfSigned ?? false,
        retry_in_ms: delay,
        retry_at: entry.nextAttemptAt.toISOString(),
        directory: entry.directory,
        challenge: entry.settings.challenge,
      });
      schedule(entry, entry.nextAttemptAt);
      return false;
    } finally {
      release();
      await locks.release(lock).catch(() => {});
    }
  };

  const paths = new Map([...entries.values()].map((e) => [e.name, e.paths] as const));
  let unsubscribe: (() => void) | undefined;

  return {
    paths,
    async start() {
      stopped = false;
      for (const entry of entries.values()) {
        const made = await ensurePlaceholderCertificate(opts.stateDir, entry.name, entry.hosts, now());
        entry.current = await readLineage(opts.stateDir, entry.name);
        entry.state = entry.current?.selfSigned ? 'placeholder' : 'starting';
        if (made.created) {
          log({
            event: 'certificate_placeholder',
            level: 'warn',
            name: entry.name,
            hosts: entry.hosts,
            cert: made.certPath,
            detail: 'serving a self-signed certificate until the first ACME issuance succeeds',
          });
        }
      }
      // Another host published a name: look at once instead of at the next timer.
      unsubscribe = opts.shared?.onCertificate((name) => {
        const entry = entries.get(name);
        if (entry && !stopped) void run(entry, false);
      });
      for (const entry of entries.values()) schedule(entry, now());
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = undefined;
      const running: Promise<unknown>[] = [];
      for (const entry of entries.values()) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = undefined;
        if (entry.running) running.push(entry.running);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 10_000);
          timer.unref();
        }),
      ]);
      if (timer) clearTimeout(timer);
      for (const a of accounts.values()) void a.then((x) => x.agent?.destroy()).catch(() => {});
    },
    status() {
      return [...entries.values()].map((e) => ({
        name: e.name,
        hosts: e.hosts,
        directory: e.directory,
        challenge: e.settings.challenge,
        certPath: e.paths.fullchain,
        keyPath: e.paths.privkey,
        state: e.state,
        ...(e.current && !e.current.selfSigned
          ? { serial: e.current.serialNumber, notAfter: e.current.notAfter }
          : {}),
        ...(e.plan ? { nextRenewal: e.plan } : {}),
        failures: e.failures,
        ...(e.lastError ? { lastError: e.lastError } : {}),
        ...(e.lastProblem ? { lastProblem: e.lastProblem } : {}),
        ...(e.nextAttemptAt ? { nextAttemptAt: e.nextAttemptAt } : {}),
      }));
    },
    async renewNow(name) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`no ACME certificate named ${name}`);
      // Let whatever runs (and any re-run it queued) finish, then order.
      while (entry.running) await entry.running;
      return run(entry, true);
    },
  };
}

/** The CA's answer must be a chain whose leaf matches our key and covers every host. */
function checkIssued(fullchainPem: string, keyPem: string, hosts: readonly string[]): crypto.X509Certificate {
  const leafBlock = pemBlocks(fullchainPem).find((b) => b.label === 'CERTIFICATE');
  if (!leafBlock) throw new Error('the CA sent no certificate');
  const leaf = new crypto.X509Certificate(leafBlock.text);
  if (!leaf.checkPrivateKey(crypto.createPrivateKey(keyPem))) {
    throw new Error('the CA sent a certificate that does not match the key of the order');
  }
  const sans = parseSubjectAltName(leaf.subjectAltName);
  const missing = hosts.filter((h) => !coveredBy(h, sans));
  if (missing.length > 0) throw new Error(`the issued certificate does not cover ${missing.join(', ')}`);
  return leaf;
}
