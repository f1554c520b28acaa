import type { ChannelInput, ChannelRepo, ChannelRow, RouteRow } from '../channels.js';
import type { Scope } from './connection.js';

export class PgChannels implements ChannelRepo {
  constructor(private readonly s: Scope) {}

  list(): Promise<ChannelRow[]> {
    return this.s.all<ChannelRow>('SELECT * FROM notification_channels ORDER BY id');
  }

  get(id: number): Promise<ChannelRow | undefined> {
    return this.s.get<ChannelRow>('SELECT * FROM notification_channels WHERE id = ?', id);
  }

  byName(name: string): Promise<ChannelRow | undefined> {
    return this.s.get<ChannelRow>('SELECT * FROM notification_channels WHERE lower(name) = lower(?)', name);
  }

  routes(channelId: number): Promise<RouteRow[]> {
    return this.s.all<RouteRow>(
      'SELECT * FROM notification_routes WHERE channel_id = ? ORDER BY position',
      channelId,
    );
  }

  allRoutes(): Promise<RouteRow[]> {
    return this.s.all<RouteRow>('SELECT * FROM notification_routes ORDER BY channel_id, position');
  }

  save(id: number | null, c: ChannelInput, now: number): Promise<number> {
    return this.s.atomic(async (s) => {
      let channelId = id;
      if (channelId === null) {
        const row = (await s.get<{ id: number }>(
          `INSERT INTO notification_channels (name, type, enabled, min_severity, daily_summary, config, secret, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          c.name,
          c.type,
          c.enabled ? 1 : 0,
          c.min_severity,
          c.daily_summary ? 1 : 0,
          JSON.stringify(c.config),
          c.secret,
          now,
          now,
        )) as { id: number };
        channelId = row.id;
      } else {
        await s.run(
          `UPDATE notification_channels SET name = ?, enabled = ?, min_severity = ?, daily_summary = ?, config = ?,
             secret = ?, updated_at = ? WHERE id = ?`,
          c.name,
          c.enabled ? 1 : 0,
          c.min_severity,
          c.daily_summary ? 1 : 0,
          JSON.stringify(c.config),
          c.secret,
          now,
          channelId,
        );
        await s.run('DELETE FROM notification_routes WHERE channel_id = ?', channelId);
      }
      for (const [i, r] of c.routes.entries()) {
        await s.run(
          `INSERT INTO notification_routes (channel_id, position, scope, severities, rules, delay_s, repeat_interval_s)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          channelId,
          i,
          JSON.stringify(r.scope),
          r.severities ? JSON.stringify(r.severities) : null,
          r.rules ? JSON.stringify(r.rules) : null,
          r.delay_s,
          r.repeat_interval_s,
        );
      }
      return channelId;
    });
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM notification_channels WHERE id = ?', id)) > 0;
  }
}
