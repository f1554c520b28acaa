import type { MaintenanceScope } from '../alerts/maintenance.js';
import type { Severity } from '../alerts/types.js';
import type { Db } from '../store/db.js';
import type { EffectiveRoute } from './plan.js';

export interface ChannelRow {
  id: number;
  name: string;
  type: string;
  enabled: number;
  min_severity: Severity;
  daily_summary: number;
  config: string;
  secret: string | null;
  created_at: number;
  updated_at: number;
}

export interface RouteRow {
  id: number;
  channel_id: number;
  position: number;
  scope: string;
  severities: string | null;
  rules: string | null;
  delay_s: number;
  repeat_interval_s: number | null;
}

export interface RouteInput {
  scope: MaintenanceScope;
  severities: Severity[] | null;
  rules: string[] | null;
  delay_s: number;
  repeat_interval_s: number | null;
}

export function routeView(r: RouteRow): RouteInput {
  return {
    scope: JSON.parse(r.scope) as MaintenanceScope,
    severities: r.severities ? (JSON.parse(r.severities) as Severity[]) : null,
    rules: r.rules ? (JSON.parse(r.rules) as string[]) : null,
    delay_s: r.delay_s,
    repeat_interval_s: r.repeat_interval_s,
  };
}

/** The API representation: settings and routes, and only the NAMES of the secret fields that are set. */
export function channelView(c: ChannelRow, routes: RouteRow[], secretKeys: string[]) {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled === 1,
    min_severity: c.min_severity,
    daily_summary: c.daily_summary === 1,
    config: JSON.parse(c.config) as Record<string, unknown>,
    secrets_set: secretKeys,
    routes: routes.map(routeView),
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function listChannels(db: Db): ChannelRow[] {
  return db.prepare('SELECT * FROM notification_channels ORDER BY id').all() as ChannelRow[];
}

export function getChannel(db: Db, id: number): ChannelRow | undefined {
  return db.prepare('SELECT * FROM notification_channels WHERE id = ?').get(id) as ChannelRow | undefined;
}

export function channelByName(db: Db, name: string): ChannelRow | undefined {
  return db.prepare('SELECT * FROM notification_channels WHERE name = ?').get(name) as ChannelRow | undefined;
}

export function routesOf(db: Db, channelId: number): RouteRow[] {
  return db
    .prepare('SELECT * FROM notification_routes WHERE channel_id = ? ORDER BY position')
    .all(channelId) as RouteRow[];
}

export interface ChannelInput {
  name: string;
  type: string;
  enabled: boolean;
  min_severity: Severity;
  daily_summary: boolean;
  config: unknown;
  /** Already encrypted. */
  secret: string | null;
  routes: RouteInput[];
}

export function saveChannel(db: Db, id: number | null, c: ChannelInput, now: number): number {
  return db.transaction(() => {
    let channelId = id;
    if (channelId === null) {
      const info = db
        .prepare(
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
      db.prepare(
        `UPDATE notification_channels SET name = ?, enabled = ?, min_severity = ?, daily_summary = ?, config = ?,
           secret = ?, updated_at = ? WHERE id = ?`,
      ).run(
        c.name,
        c.enabled ? 1 : 0,
        c.min_severity,
        c.daily_summary ? 1 : 0,
        JSON.stringify(c.config),
        c.secret,
        now,
        channelId,
      );
      db.prepare('DELETE FROM notification_routes WHERE channel_id = ?').run(channelId);
    }
    const insertRoute = db.prepare(
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
  })();
}

export function deleteChannel(db: Db, id: number): void {
  db.prepare('DELETE FROM notification_channels WHERE id = ?').run(id);
}

/**
 * The routes of every enabled channel as the planner uses them. A channel without routes gets one implicit
 * route: everything at or above its minimum severity, repeated every `defaultRepeatS`.
 */
export function effectiveRoutes(db: Db, defaultRepeatS: number): EffectiveRoute[] {
  const out: EffectiveRoute[] = [];
  for (const c of listChannels(db)) {
    if (c.enabled !== 1) continue;
    const routes = routesOf(db, c.id).map(routeView);
    if (routes.length === 0) {
      out.push({
        channel_id: c.id,
        severities: null,
        min_severity: c.min_severity,
        scope: { type: 'all' },
        rules: null,
        delay_s: 0,
        repeat_interval_s: defaultRepeatS,
        since: c.created_at,
      });
      continue;
    }
    for (const r of routes) {
      out.push({
        channel_id: c.id,
        severities: r.severities,
        min_severity: c.min_severity,
        scope: r.scope,
        rules: r.rules,
        delay_s: r.delay_s,
        repeat_interval_s: r.repeat_interval_s ?? defaultRepeatS,
        since: c.created_at,
      });
    }
  }
  return out;
}
