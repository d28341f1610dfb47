// One order attempt for an entry: take the name's order lock (or look again later while another
// instance holds it), order with the site's challenge (with RFC 9773 `replaces` when renewing, and
// again without it if the CA refuses), check what the CA sent, write the new lineage version and
// publish it to the other hosts. A failure keeps what is in service, records the CA's problem and
// schedules the retry with backoff.

import crypto from 'node:crypto';
import type { Logger } from '../../observe/logger.ts';
import { coveredBy, parseSubjectAltName } from '../names.ts';
import { pemBlocks } from '../pem.ts';
import type { AccountBook } from './account-book.ts';
import { withAcmeContext } from './acme-client-context.ts';
import { ariCertId } from './ari.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { ChallengePresenter } from './challenge-presenter.ts';
import { clearFailures, type Entry } from './entry.ts';
import { type LineageCertificate, readLineage, writeLineageVersion } from './lineage.ts';
import type { Lock, LockStore } from './lock-store.ts';
import { runOrder } from './order.ts';
import { formatAcmeProblem, problemHint } from './problem.ts';
import { type IssueReason, issueReason, planRenewal } from './renewal.ts';
import type { SharedLineage } from './shared-lineage.ts';

/** Why an order is placed: what issueReason found, a due renewal, or `tlsterm cert renew`. */
export type OrderReason = IssueReason | 'renewal' | 'requested';

export interface OrderAttemptDeps {
  readonly stateDir: string;
  readonly log: Logger;
  readonly now: () => Date;
  readonly random: () => number;
  readonly locks: LockStore;
  /** Order lock lifetime (extended while the order runs). */
  readonly lockTtlMs: number;
  /** When another instance holds the order lock, look again after. */
  readonly lockRetryMs: number;
  readonly backoff: BackoffPolicy;
  readonly book: Pick<AccountBook, 'accountFor' | 'callContext' | 'renewalInfoUrl'>;
  readonly present: ChallengePresenter;
  readonly shared: SharedLineage;
  /** Write the entry's renewal record. */
  readonly persist: (entry: Entry) => Promise<void>;
  /** Wake the entry at `at` (the manager's scheduler). */
  readonly schedule: (entry: Entry, at: Date) => void;
  /** The manager was stopped: order nothing more. */
  readonly stopped: () => boolean;
}

/** Order for `entry`; `seen` is the certificate the decision to order was based on. */
export type OrderAttempt = (
  entry: Entry,
  reason: OrderReason,
  seen: LineageCertificate | undefined,
) => Promise<boolean>;

export function createOrderAttempt(deps: OrderAttemptDeps): OrderAttempt {
  const { stateDir, log, now, random, locks, lockTtlMs, lockRetryMs, backoff, book, present, shared } = deps;
  const { persist, schedule, stopped } = deps;

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
  const attempt: OrderAttempt = async (entry, reason, seen) => {
    if (stopped()) return false;
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
    if (reason !== 'requested') await shared.adopt(entry);
    const before = await readLineage(stateDir, entry.name);
    const ctx = book.callContext(undefined);
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
      const account = await book.accountFor(entry, ctx.problems);
      const renewing = before !== undefined && !before.selfSigned;
      const replaces =
        renewing && (await book.renewalInfoUrl(entry, account.caPem).catch(() => undefined))
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
                level: 'warning',
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
      await writeLineageVersion(stateDir, entry.name, { fullchainPem: fullchain, keyPem });
      await shared.publish(entry, { fullchainPem: fullchain, keyPem }, leaf.validToDate);
      const written = await readLineage(stateDir, entry.name);
      entry.current = written;
      clearFailures(entry);
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

  return attempt;
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
