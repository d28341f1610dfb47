// One ACME order with acme-client, RFC 8555 §7.4: new order (with RFC 9773 `replaces` when renewing),
// answer every pending authorization with the site's challenge type, wait for the CA, finalize with a
// CSR for the site's hosts, download the chain. Challenge answers are published through `present`
// and always withdrawn afterwards. acme-client's own pre-checks (it would fetch the challenge from
// here, or query public DNS) are skipped: the CA's verdict is what counts.

import type { AcmeClient, AcmeModule } from './acme-client-context.ts';
import type { AcmeChallengeType } from './settings.ts';

/** Publish one challenge answer; resolves to the function that withdraws it. */
export type PresentChallenge = (
  type: AcmeChallengeType,
  identifier: string,
  token: string,
  keyAuthorization: string,
) => Promise<() => Promise<void>>;

export interface OrderRequest {
  readonly hosts: readonly string[];
  readonly challenge: AcmeChallengeType;
  /** The new certificate's private key (PEM). */
  readonly keyPem: string;
  /** RFC 9773 certID of the certificate this one replaces. */
  readonly replaces?: string;
}

interface LooseChallenge {
  readonly type: string;
  readonly url: string;
  readonly status: string;
  readonly token?: string;
}

export class OrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderError';
  }
}

/** Run the order; resolves to the full chain PEM. Cleanup failures go to `onCleanupError`. */
export async function runOrder(
  acme: AcmeModule,
  client: AcmeClient,
  req: OrderRequest,
  present: PresentChallenge,
  onCleanupError: (error: unknown) => void = () => {},
): Promise<string> {
  const identifiers = req.hosts.map((h) => ({ type: 'dns', value: h }));
  // `replaces` is not in acme-client's types; the payload is passed through as given.
  const order = await client.createOrder({
    identifiers,
    ...(req.replaces ? { replaces: req.replaces } : {}),
  } as Parameters<AcmeClient['createOrder']>[0]);

  const authorizations = await client.getAuthorizations(order);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const pending: LooseChallenge[] = [];
    for (const authz of authorizations) {
      if (authz.status === 'valid') continue; // reused authorization
      if (authz.status !== 'pending') {
        throw new OrderError(`authorization for ${authz.identifier.value} is ${authz.status}`);
      }
      const offered = authz.challenges as readonly LooseChallenge[];
      const ch = offered.find((c) => c.type === req.challenge);
      if (!ch?.token) {
        throw new OrderError(
          `the CA offers no ${req.challenge} challenge for ${authz.identifier.value} (it offers ${offered.map((c) => c.type).join(', ') || 'none'})`,
        );
      }
      const keyAuthorization = await client.getChallengeKeyAuthorization(
        ch as Parameters<AcmeClient['getChallengeKeyAuthorization']>[0],
      );
      // For a wildcard the identifier is the base name; present() knows where the TXT record goes.
      cleanups.push(await present(req.challenge, authz.identifier.value, ch.token, keyAuthorization));
      pending.push(ch);
    }
    // Answer all, then wait for all: the CA validates them in parallel.
    for (const ch of pending)
      await client.completeChallenge(ch as Parameters<AcmeClient['completeChallenge']>[0]);
    await Promise.all(pending.map((ch) => client.waitForValidStatus(ch)));
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        onCleanupError(e);
      }
    }
  }

  const first = req.hosts[0] ?? '';
  const [, csr] = await acme.crypto.createCsr(
    { ...(first.length <= 64 ? { commonName: first } : {}), altNames: [...req.hosts] },
    req.keyPem,
  );
  const finalized = await client.finalizeOrder(order, csr);
  return client.getCertificate(finalized);
}
