import type {
  Attempt,
  DeliveryRow,
  NoticeKind,
  NoticeRecord,
  NotificationRepo,
  OutboxRow,
} from '../notifications.js';
import type { Scope } from './connection.js';

export class PgNotifications implements NotificationRepo {
  constructor(private readonly s: Scope) {}

  async enqueue(
    channelId: number,
    alertId: number | null,
    kind: NoticeKind,
    payload: unknown,
    now: number,
  ): Promise<number> {
    const row = (await this.s.get<{ id: number }>(
      `INSERT INTO notification_outbox (channel_id, alert_id, kind, payload, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
      channelId,
      alertId,
      kind,
      JSON.stringify(payload),
      now,
      now,
    )) as { id: number };
    return row.id;
  }

  get(id: number): Promise<OutboxRow | undefined> {
    return this.s.get<OutboxRow>('SELECT * FROM notification_outbox WHERE id = ?', id);
  }

  list(f: { alert_id?: number; kind?: NoticeKind; limit?: number } = {}): Promise<OutboxRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.alert_id !== undefined) {
      where.push('alert_id = ?');
      args.push(f.alert_id);
    }
    if (f.kind !== undefined) {
      where.push('kind = ?');
      args.push(f.kind);
    }
    return this.s.all<OutboxRow>(
      `SELECT * FROM notification_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`,
      ...args,
      f.limit ?? 1000,
    );
  }

  due(now: number, limit: number): Promise<OutboxRow[]> {
    return this.s.all<OutboxRow>(
      `SELECT o.* FROM notification_outbox o
       WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM notification_outbox p WHERE p.status = 'pending' AND p.channel_id = o.channel_id
                         AND p.alert_id = o.alert_id AND p.id < o.id)
       ORDER BY o.id LIMIT ?`,
      now,
      limit,
    );
  }

  async nextDueAt(): Promise<number | undefined> {
    const r = await this.s.get<{ t: number | null }>(
      `SELECT min(next_attempt_at) AS t FROM notification_outbox WHERE status = 'pending'`,
    );
    return r?.t ?? undefined;
  }

  async #record(
    s: Scope,
    id: number,
    a: Attempt,
    next: { status: OutboxRow['status']; nextAttemptAt?: number },
  ): Promise<void> {
    await s.run(
      'INSERT INTO notification_deliveries (outbox_id, ts, ok, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      a.ts,
      a.ok ? 1 : 0,
      a.statusCode ?? null,
      a.error ?? null,
      a.durationMs,
    );
    await s.run(
      `UPDATE notification_outbox SET attempts = attempts + 1, status = ?, last_error = ?,
         next_attempt_at = coalesce(?, next_attempt_at), delivered_at = CASE WHEN ?::boolean THEN ?::bigint ELSE delivered_at END
       WHERE id = ?`,
      next.status,
      a.error ?? null,
      next.nextAttemptAt ?? null,
      a.ok,
      a.ts,
      id,
    );
  }

  recordAttempt(
    id: number,
    a: Attempt,
    next: { status: OutboxRow['status']; nextAttemptAt?: number },
  ): Promise<void> {
    return this.s.atomic((s) => this.#record(s, id, a, next));
  }

  failPending(channelId: number, why: string, now: number): Promise<number> {
    return this.s.atomic(async (s) => {
      const rows = await s.all<{ id: number }>(
        `SELECT id FROM notification_outbox WHERE channel_id = ? AND status = 'pending' ORDER BY id FOR UPDATE`,
        channelId,
      );
      for (const r of rows)
        await this.#record(s, r.id, { ts: now, ok: false, error: why, durationMs: 0 }, { status: 'failed' });
      return rows.length;
    });
  }

  history(alertIds: readonly number[]): Promise<NoticeRecord[]> {
    if (alertIds.length === 0) return Promise.resolve([]);
    // Grouped by alert in the order asked, each alert's notices in the order they were queued.
    return this.s.all<NoticeRecord>(
      `SELECT o.alert_id, o.channel_id, o.kind, o.created_at
       FROM unnest(?::bigint[]) WITH ORDINALITY AS q(alert_id, n)
       JOIN notification_outbox o ON o.alert_id = q.alert_id
       WHERE o.kind IN ('problem', 'repeat', 'recovery', 'flapping') ORDER BY q.n, o.id`,
      [...alertIds],
    );
  }

  attempts(outboxId: number): Promise<DeliveryRow[]> {
    return this.s.all<DeliveryRow>(
      'SELECT * FROM notification_deliveries WHERE outbox_id = ? ORDER BY id',
      outboxId,
    );
  }

  async forAlert(alertId: number) {
    const rows = await this.s.all<OutboxRow & { channel_name: string | null; channel_type: string | null }>(
      `SELECT o.*, c.name AS channel_name, c.type AS channel_type FROM notification_outbox o
       LEFT JOIN notification_channels c ON c.id = o.channel_id WHERE o.alert_id = ? ORDER BY o.id`,
      alertId,
    );
    const attempts = await this.s.all<DeliveryRow>(
      `SELECT d.* FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
       WHERE o.alert_id = ? ORDER BY d.id`,
      alertId,
    );
    return rows.map((r) => ({ ...r, attempts_log: attempts.filter((d) => d.outbox_id === r.id) }));
  }

  async pending(): Promise<{ count: number; oldest: number | null }> {
    return (await this.s.get<{ count: number; oldest: number | null }>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM notification_outbox WHERE status = 'pending'`,
    )) as { count: number; oldest: number | null };
  }
}
