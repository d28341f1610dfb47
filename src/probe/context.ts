// What every probe stage shares: where to connect, the connection gate and the name to send.
import { versionName } from '../wire/versions.ts';
import { type Endpoint, exchange, type Outcome } from './exchange.ts';
import type { Offer } from './offer.ts';
import type { Pool } from './pool.ts';

export interface ProbeContext {
  readonly endpoint: Endpoint;
  readonly pool: Pool;
  /** The SNI to send (undefined: none). */
  readonly sni: string | undefined;
  /** TLS 1.3 key shares to send by default: the usual ones plus whatever the server picked. */
  readonly keyShares13: readonly number[] | undefined;
  /** One raw ClientHello through the pool. */
  raw(offer: Offer): Promise<Outcome>;
}

export function createContext(
  endpoint: Endpoint,
  pool: Pool,
  sni: string | undefined,
  keyShares13?: readonly number[],
): ProbeContext {
  return {
    endpoint,
    pool,
    sni,
    keyShares13,
    raw: (offer) =>
      pool.run(() =>
        exchange(
          endpoint,
          offer.keyShares === undefined && keyShares13 ? { ...offer, keyShares: keyShares13 } : offer,
        ),
      ),
  };
}

/** The suite a hello or HelloRetryRequest chose at `version`, if the server accepted that version. */
export function chosenSuite(outcome: Outcome, version: number): number | undefined {
  if (outcome.kind !== 'hello' && outcome.kind !== 'hrr') return undefined;
  return outcome.hello.selectedVersion === version ? outcome.hello.cipherSuite : undefined;
}

/** "alert handshake_failure", "ServerHello TLS1.2 0xC02F", "closed …": one attempt in words. */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'hello':
    case 'hrr': {
      const v = outcome.hello.selectedVersion;
      const what = outcome.kind === 'hrr' ? 'HelloRetryRequest' : 'ServerHello';
      return `${what} ${versionName(v)} suite 0x${outcome.hello.cipherSuite.toString(16).padStart(4, '0')}`;
    }
    case 'alert':
      return `alert ${outcome.alert.name}${outcome.afterHello ? ' (after ServerHello)' : ''}`;
    case 'connect-error':
      return `connect failed: ${outcome.code}`;
    default:
      return `${outcome.kind}: ${outcome.detail}`;
  }
}
