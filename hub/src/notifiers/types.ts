import type { z } from 'zod';
import type { Severity } from '../alerts/types.js';
import type { TargetPolicy } from '../net/target-policy.js';

export type MessageKind = 'problem' | 'repeat' | 'recovery' | 'flapping' | 'test' | 'summary';

/** One notification, already worded; each channel renders it in its own format. */
export interface NotificationMessage {
  kind: MessageKind;
  /** The subject line. */
  title: string;
  /** The plain-text body. */
  text: string;
  severity?: Severity;
  /** The alert's API representation (problem, repeat, recovery, flapping). */
  alert?: Record<string, unknown>;
  /** The daily summary's figures. */
  summary?: Record<string, unknown>;
  /** A link to the alert or the dashboard, when the hub's public URL is configured. */
  url?: string;
  ts: number;
}

/** What a channel's send reports on success. */
export interface DeliveryReceipt {
  status_code?: number;
  detail?: string;
}

/**
 * A failed delivery. `permanent` failures (a 4xx other than 408/429, a refused recipient) are not retried;
 * `retryAfterMs` is the receiver's own wish (429 Retry-After) and overrides the backoff.
 */
export class DeliveryError extends Error {
  readonly code = 'delivery_failed';
  constructor(
    message: string,
    readonly opts: { statusCode?: number; retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
  }
}

export interface SendOptions {
  signal: AbortSignal;
  /** Where a notifier may connect (checked on resolved addresses): public ones plus notifyAllowedNetworks. */
  targets: TargetPolicy;
  /** The outbox row id: receivers may use it to drop duplicates of a retried delivery. */
  deliveryId: string;
}

/**
 * One channel type: its settings (returned by the API), its secret settings (write-only, encrypted at rest)
 * and how to send. A notifier only sends: retries, timeouts and logging belong to the dispatcher.
 */
export interface Notifier<C = unknown, S = unknown> {
  type: string;
  description: string;
  config: z.ZodType<C>;
  secret: z.ZodType<S>;
  send(
    message: NotificationMessage,
    channel: { config: C; secret: S },
    opts: SendOptions,
  ): Promise<DeliveryReceipt>;
}
