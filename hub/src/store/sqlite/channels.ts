import type { ChannelInput, ChannelRepo, ChannelRow, RouteRow } from '../channels.js';
import type { Scope } from './connection.js';

export class SqliteChannels implements ChannelRepo {
  constructor(private readonly s: Scope) {}

  list(): Promise<ChannelRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM notification_channels ORDER BY id').all() as ChannelRow[],
    );
  }

  get(id: number): Promise<ChannelRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM notification_channels WHERE id = ?').get(id) as ChannelRow | undefined,
    );
  }

  byName(name: string): Promise<ChannelRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM notification_channels WHERE name = ?').get(name) as ChannelRow | undefined,
    );
  }

  routes(channelId: number): Promise<RouteRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT * FROM notification_routes WHERE channel_id = ? ORDER BY position')
          .all(channelId) as RouteRow[],
    );
  }

  allRoutes(): Promise<RouteRow[]> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM notification_routes ORDER BY channel_id, position').all() as RouteRow[],
    );
  }

  save(id: number | null, c: ChannelInput, now: number): Promise<number> {
    return this.s.atomic(() => {
      let channelId = id;
      if (channelId === null) {
        const info = this.s
          .stmt(
            `INSERT INTO notification_channels (name, type, enabled, min_severity, daily_summary, config, secret, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            c.name,
            c.type,
            c.enabled ? 1 : 0,
            c.min_severity,
            c.daily_summary ? 1 : 0,
            JSON.stringify(c.config),
            c.secret,
            now,
            now,
          );
        channelId = Number(info.lastInsertRowid);
      } else {
        this.s
          .stmt(
            `UPDATE notification_channels SET name = ?, enabled = ?, min_severity = ?, daily_summary = ?, config = ?,
               secret = ?, updated_at = ? WHERE id = ?`,
          )
          .run(
            c.name,
            c.enabled ? 1 : 0,
            c.min_severity,
            c.daily_summary ? 1 : 0,
            JSON.stringify(c.config),
            c.secret,
            now,
            channelId,
          );
        this.s.stmt('DELETE FROM notification_routes WHERE channel_id = ?').run(channelId);
      }
      const insertRoute = this.s.stmt(
        `INSERT INTO notification_routes (channel_id, position, scope, severities, rules, delay_s, repeat_interval_s)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      c.routes.forEach((r, i) => {
        insertRoute.run(
          channelId,
          i,
          JSON.stringify(r.scope),
          r.severities ? JSON.stringify(r.severities) : null,
          r.rules ? JSON.stringify(r.rules) : null,
          r.delay_s,
          r.repeat_interval_s,
        );
      });
      return channelId;
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(
      () => this.s.stmt('DELETE FROM notification_channels WHERE id = ?').run(id).changes > 0,
    );
  }
}
