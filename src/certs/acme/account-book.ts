// The ACME accounts and clients the manager orders with: one per directory (+ the trust it is reached
// with), opened on the first order and kept; the directory document, fetched at most once a day, for
// its ARI `renewalInfo` URL. acme-client is loaded here, on the first account opened.

import fs from 'node:fs/promises';
import https from 'node:https';
import type { Logger } from '../../observe/logger.ts';
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
import { fetchDirectory, trustedRoots } from './acme-fetch.ts';
import type { Entry } from './entry.ts';
import { writeFileAtomic } from './files.ts';
import type { AcmeProblem } from './problem.ts';
import type { SharedCertificateStore } from './shared-store.ts';

export interface AccountClient {
  readonly acme: AcmeModule;
  readonly client: AcmeClient;
  readonly agent: https.Agent | undefined;
  readonly caPem: string | undefined;
}

export interface AccountBookDeps {
  readonly stateDir: string;
  /** Every managed entry: the account's contacts are the emails of the sites on its directory. */
  readonly entries: ReadonlyMap<string, Entry>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly shared: SharedCertificateStore | undefined;
  /** How acme-client polls a challenge/order. */
  readonly poll: { readonly minMs: number; readonly maxMs: number; readonly attempts: number };
  readonly requestTimeoutMs: number;
}

export interface AccountBook {
  /** The account for the entry's directory; `problems` collects the CA's problem documents if it is opened now. */
  accountFor(entry: Entry, problems: AcmeProblem[]): Promise<AccountClient>;
  /** The private root(s) the entry's CA is trusted with, if any. */
  caPemOf(entry: Entry): Promise<string | undefined>;
  /** A fresh context for calls into acme-client (its own problem list). */
  callContext(agent: https.Agent | undefined): AcmeCallContext;
  /** The directory's ARI URL; undefined when the CA offers no ARI. */
  renewalInfoUrl(entry: Entry, caPem: string | undefined): Promise<string | undefined>;
  /** Close the kept-alive connections (at stop). */
  close(): void;
}

const DIRECTORY_MAX_AGE_MS = 24 * 3_600_000;

export function createAccountBook(deps: AccountBookDeps): AccountBook {
  const { stateDir, entries, log, now, shared, poll, requestTimeoutMs } = deps;
  const accounts = new Map<string, Promise<AccountClient>>();
  const directories = new Map<string, { at: number; dir: Promise<Record<string, unknown>> }>();

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
    if (!shared) return local;
    const agreed = await shared.accountKey(directory, local.keyPem);
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
    const paths = accountPaths(stateDir, entry.directory);
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

  return {
    accountFor,
    caPemOf,
    callContext,
    renewalInfoUrl,
    close() {
      for (const a of accounts.values()) void a.then((x) => x.agent?.destroy()).catch(() => {});
    },
  };
}
