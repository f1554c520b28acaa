/** What a notification message is. */
export type NoticeKind = 'problem' | 'repeat' | 'recovery' | 'flapping' | 'summary' | 'test';

/** A queued notification; `payload` is the message as JSON text. */
export interface OutboxRow {
  id: number;
  channel_id: number;
  alert_id: number | null;
  kind: NoticeKind;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** One delivery attempt; `ok` is 0 or 1. */
export interface DeliveryRow {
  id: number;
  outbox_id: number;
  ts: number;
  ok: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Attempt {
  ts: number;
  ok: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/** An alert notice already queued, for the planner. */
export interface NoticeRecord {
  alert_id: number;
  channel_id: number;
  kind: NoticeKind;
  created_at: number;
}

/** The durable notification outbox: rows survive restarts and are retried until delivered or given up. */
export interface NotificationRepo {
  /** Queues a message (`payload` is any JSON value) due at `now`; returns its id. */
  enqueue(
    channelId: number,
    alertId: number | null,
    kind: NoticeKind,
    payload: unknown,
    now: number,
  ): Promise<number>;
  get(id: number): Promise<OutboxRow | undefined>;
  /** Queued messages, oldest first (of one alert, or of one kind, when given), at most `limit` (1000). */
  list(f?: { alert_id?: number; kind?: NoticeKind; limit?: number }): Promise<OutboxRow[]>;
  /**
   * Pending rows due at `now`, oldest first, skipping a row that has an older pending row for the same alert on
   * the same channel (a recovery never overtakes its problem notice).
   */
  due(now: number, limit: number): Promise<OutboxRow[]>;
  /** When the next pending row is due, or undefined. */
  nextDueAt(): Promise<number | undefined>;
  /** Logs an attempt and moves the row (delivered, failed, or pending until `nextAttemptAt`), together. */
  recordAttempt(
    id: number,
    a: Attempt,
    next: { status: OutboxRow['status']; nextAttemptAt?: number },
  ): Promise<void>;
  /** Gives up every pending row of a channel, recording why; returns how many. */
  failPending(channelId: number, why: string, now: number): Promise<number>;
  /** Alert notices (problem, repeat, recovery, flapping) queued for these alerts, oldest first. */
  history(alertIds: readonly number[]): Promise<NoticeRecord[]>;
  /** The delivery attempts of one message, oldest first. */
  attempts(outboxId: number): Promise<DeliveryRow[]>;
  /** The messages of one alert with their channel and attempts. */
  forAlert(
    alertId: number,
  ): Promise<
    (OutboxRow & { channel_name: string | null; channel_type: string | null; attempts_log: DeliveryRow[] })[]
  >;
  /** Pending rows and the creation time of the oldest (health). */
  pending(): Promise<{ count: number; oldest: number | null }>;
}
