// When to order: at once when there is no real certificate for the site's hosts; otherwise at the
// time ACME Renewal Information (RFC 9773) suggests, where the CA offers it, else when one third
// of the certificate's lifetime is left (day 60 of a 90-day certificate). Pure: the manager brings
// the clock, the random source and what it read.

import { coveredBy } from '../names.ts';

/** What the manager knows about the certificate in live/<name>/. */
export interface LineageFacts {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialNumber: string;
  readonly sans: readonly string[];
  /** Self-signed: tlsterm's placeholder, never something a CA issued. */
  readonly selfSigned: boolean;
  readonly keyMatches: boolean;
}

export type IssueReason = 'no-certificate' | 'placeholder' | 'key-mismatch' | 'hosts-changed' | 'expired';

/** Why a new certificate is needed right now (not a renewal), or undefined. */
export function issueReason(
  current: LineageFacts | undefined,
  hosts: readonly string[],
  now: Date,
): IssueReason | undefined {
  if (!current) return 'no-certificate';
  if (current.selfSigned) return 'placeholder';
  if (!current.keyMatches) return 'key-mismatch';
  if (hosts.some((h) => !coveredBy(h, current.sans))) return 'hosts-changed';
  if (current.notAfter.getTime() <= now.getTime()) return 'expired';
  return undefined;
}

export interface RenewalWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface RenewalPlan {
  readonly at: Date;
  readonly source: 'ari' | 'lifetime';
  /** The ARI window `at` was picked from. */
  readonly window?: RenewalWindow;
}

/** notAfter − lifetime/3. */
export function lifetimeRenewalAt(notBefore: Date, notAfter: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notAfter.getTime() - Math.max(0, lifetime) / 3);
}

/** RFC 9773 §4.2: a uniformly random time inside the window. */
export function pickInWindow(window: RenewalWindow, random: () => number = Math.random): Date {
  const start = window.start.getTime();
  const span = Math.max(0, window.end.getTime() - start);
  return new Date(start + Math.floor(Math.min(1, Math.max(0, random())) * span));
}

export const sameWindow = (a: RenewalWindow | undefined, b: RenewalWindow | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.start.getTime() === b.start.getTime() &&
  a.end.getTime() === b.end.getTime();

/**
 * The renewal time. With an ARI window the time is picked once inside it (`previous` keeps an earlier
 * pick from the same window, so re-polling does not re-roll the dice); an empty or inverted window is
 * ignored. A time in the past means "renew now".
 */
export function planRenewal(input: {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly window?: RenewalWindow;
  readonly previous?: RenewalPlan;
  readonly random?: () => number;
}): RenewalPlan {
  const w = input.window;
  if (w && w.end.getTime() > w.start.getTime()) {
    if (input.previous?.source === 'ari' && sameWindow(input.previous.window, w)) return input.previous;
    return { at: pickInWindow(w, input.random), source: 'ari', window: w };
  }
  return { at: lifetimeRenewalAt(input.notBefore, input.notAfter), source: 'lifetime' };
}
