// What the cluster primary and its workers say to each other over IPC ('advanced' serialization,
// so session bytes travel as Uint8Array). Ticket keys travel in the key-set codec's text; the
// channel is a pipe between two processes of the same user, never a socket.

import type { HealthChange, RateTaken } from '../../http/index.ts';
import type { MetricJson } from '../../observe/index.ts';
import type { AdminAnswer, AdminAsk } from '../admin/asks.ts';
import type { ResumptionCounts } from '../resumption/index.ts';
import type { PlanWire } from './plan-wire.ts';

export interface WorkerAddress {
  readonly listener: string;
  readonly scheme: 'https' | 'http';
  readonly address: string;
  readonly port: number;
}

/** primary → worker */
export type ToWorker =
  | { readonly type: 'ticket-keys'; readonly listener: string; readonly keys: string }
  | { readonly type: 'session'; readonly seq: number; readonly session: Uint8Array | undefined }
  | { readonly type: 'drain'; readonly deadlineMs: number }
  /** SIGUSR1 reached the primary: reopen the log file (workers hold SIGUSR1 blocked). */
  | { readonly type: 'log-reopen' }
  | { readonly type: 'admin-ask'; readonly seq: number; readonly ask: AdminAsk }
  /** A verified OCSP response to staple for a certificate (by SHA-256 fingerprint); none: stop. */
  | {
      readonly type: 'ocsp';
      readonly fingerprint: string;
      readonly der: Uint8Array | undefined;
      readonly nextUpdate: number;
    }
  | { readonly type: 'metrics-get'; readonly seq: number }
  | { readonly type: 'upstream-health'; readonly changes: readonly HealthChange[] }

  /** What a sibling worker took from the rate-limit buckets (relayed by the primary). */
  | { readonly type: 'rate-taken'; readonly taken: RateTaken }
  | { readonly type: 'plan'; readonly plan: PlanWire };

/** worker → primary */
export type ToPrimary =
  | { readonly type: 'ready'; readonly addresses: readonly WorkerAddress[] }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'want-keys'; readonly listener: string }
  | { readonly type: 'session-get'; readonly seq: number; readonly listener: string; readonly id: Uint8Array }
  | {
      readonly type: 'session-set';
      readonly listener: string;
      readonly id: Uint8Array;
      readonly session: Uint8Array;
    }
  | { readonly type: 'counts'; readonly counts: ReadonlyMap<string, ResumptionCounts> }
  | { readonly type: 'drained'; readonly cut: number }
  | { readonly type: 'admin-answer'; readonly seq: number; readonly answer: AdminAnswer }
  /** The worker's metrics share: the answer to metrics-get `seq`, or seq 0 for its last, before drained. */
  | { readonly type: 'metrics'; readonly seq: number; readonly metrics: readonly MetricJson[] }
  | {
      readonly type: 'upstream-report';
      readonly pool: string;
      readonly server: number;
      readonly code: string;
    }
  | { readonly type: 'health-get' }

  /** What this worker took from the rate-limit buckets since its last report. */
  | { readonly type: 'rate-taken'; readonly taken: RateTaken }
  /** A starting worker asks for its generation's plan (it never reads the config file). */
  | { readonly type: 'plan-get' };

const isObject = (m: unknown): m is { type?: unknown } => typeof m === 'object' && m !== null;

/** A message of ours (cluster also sends its own internal messages on the same channel). */
export const isToWorker = (m: unknown): m is ToWorker =>
  isObject(m) &&
  (m.type === 'ticket-keys' ||
    m.type === 'session' ||
    m.type === 'drain' ||
    m.type === 'log-reopen' ||
    m.type === 'admin-ask' ||
    m.type === 'ocsp' ||
    m.type === 'metrics-get' ||
    m.type === 'upstream-health' ||
    m.type === 'rate-taken' ||
    m.type === 'plan');

export const isToPrimary = (m: unknown): m is ToPrimary =>
  isObject(m) &&
  typeof m.type === 'string' &&
  [
    'ready',
    'failed',
    'want-keys',
    'session-get',
    'session-set',
    'counts',
    'drained',
    'admin-answer',
    'metrics',
    'upstream-report',
    'health-get',
    'rate-taken',
    'plan-get',
  ].includes(m.type);
