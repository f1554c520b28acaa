import { SEVERITIES, type Severity } from '../alerts.js';
import type { FleetRepo, SearchHit, SearchQuery, SearchResult, SiteHealthRow } from '../fleet.js';
import type { Scope } from './connection.js';
import { likePattern } from './records.js';
import { DEVICE_SEARCH_TEXT, deviceSearchPattern } from './search.js';

const zero = (): Record<Severity, number> => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

const contains = likePattern;
const startsWith = (t: string) => `${t.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** Which of `fields` contains `text` (case-insensitively, as ILIKE does), for the hit's `matched`. */
function matchedField(row: Record<string, unknown>, fields: readonly string[], q: SearchQuery): string {
  const t = q.text.toLowerCase();
  for (const f of fields) {
    const v = row[f];
    if (typeof v === 'string' && v.toLowerCase().includes(t)) return f;
  }
  if (
    q.macHex &&
    typeof row.mac_address === 'string' &&
    row.mac_address.replaceAll(':', '').includes(q.macHex)
  )
    return 'mac_address';
  return fields[0]!;
}

export class PgFleet implements FleetRepo {
  constructor(private readonly s: Scope) {}

  async siteHealth(now: number, backlogNoise: number): Promise<SiteHealthRow[]> {
    const sites = new Map<number, SiteHealthRow>();
    for (const s of await this.s.all<{ id: number; name: string }>('SELECT id, name FROM sites')) {
      sites.set(s.id, {
        id: s.id,
        name: s.name,
        agents: 0,
        agents_online: 0,
        backlog: 0,
        agents_backlog_growing: 0,
        last_seen: null,
        devices: 0,
        devices_down: 0,
        devices_auth_failed: 0,
        devices_unknown: 0,
        cameras: 0,
        cameras_down: 0,
        cameras_degraded: 0,
        open: zero(),
        unacknowledged: zero(),
        oldest_problem_at: null,
      });
    }
    const agents = (await this.s.all(
      `SELECT site_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE status = 'online') AS online, SUM(backlog) AS backlog,
           COUNT(*) FILTER (WHERE status = 'online' AND backlog >= ? AND backlog > coalesce(backlog_previous, backlog)) AS growing,
           MAX(last_seen) AS last_seen
         FROM agents WHERE revoked_at IS NULL GROUP BY site_id`,
      backlogNoise,
    )) as {
      site_id: number;
      n: number;
      online: number;
      backlog: number;
      growing: number;
      last_seen: number | null;
    }[];
    for (const a of agents) {
      const s = sites.get(a.site_id);
      if (!s) continue;
      s.agents = a.n;
      s.agents_online = a.online;
      s.backlog = a.backlog;
      s.agents_backlog_growing = a.growing;
      s.last_seen = a.last_seen;
    }
    const devices = (await this.s.all(
      `SELECT site_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE status IN ('unreachable', 'auth_failed')) AS down,
           COUNT(*) FILTER (WHERE status = 'auth_failed') AS auth, COUNT(*) FILTER (WHERE status = 'unknown') AS unknown
         FROM devices GROUP BY site_id`,
    )) as { site_id: number; n: number; down: number; auth: number; unknown: number }[];
    for (const d of devices) {
      const s = sites.get(d.site_id);
      if (!s) continue;
      s.devices = d.n;
      s.devices_down = d.down;
      s.devices_auth_failed = d.auth;
      s.devices_unknown = d.unknown;
    }
    const cameras = (await this.s.all(
      `SELECT site_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE status IN ('unreachable', 'auth_failed')) AS down,
           COUNT(*) FILTER (WHERE status = 'degraded') AS degraded
         FROM cameras GROUP BY site_id`,
    )) as { site_id: number; n: number; down: number; degraded: number }[];
    for (const c of cameras) {
      const s = sites.get(c.site_id);
      if (!s) continue;
      s.cameras = c.n;
      s.cameras_down = c.down;
      s.cameras_degraded = c.degraded;
    }
    // An alert's site: its own, else its device's or camera's (manual alerts may name only those).
    const alerts = (await this.s.all(
      `SELECT coalesce(a.site_id, d.site_id, c.site_id) AS site_id, a.severity AS severity, COUNT(*) AS n,
           COUNT(*) FILTER (WHERE NOT (a.acknowledged = 1 AND (a.ack_expires_at IS NULL OR a.ack_expires_at > ?))) AS unacked,
           MIN(a.created_at) AS oldest
         FROM alerts a
           LEFT JOIN devices d ON a.site_id IS NULL AND d.id = a.device_id
           LEFT JOIN cameras c ON a.site_id IS NULL AND c.id = a.camera_id
         WHERE a.state = 'open'
         GROUP BY 1, 2`,
      now,
    )) as {
      site_id: number | null;
      severity: Severity;
      n: number;
      unacked: number;
      oldest: number;
    }[];
    for (const a of alerts) {
      const s = a.site_id === null ? undefined : sites.get(a.site_id);
      if (!s || !SEVERITIES.includes(a.severity)) continue;
      s.open[a.severity] = a.n;
      s.unacknowledged[a.severity] = a.unacked;
      if (a.severity === 'critical' || a.severity === 'high')
        s.oldest_problem_at = Math.min(s.oldest_problem_at ?? a.oldest, a.oldest);
    }
    return [...sites.values()];
  }

  async search(q: SearchQuery): Promise<SearchResult> {
    const like = contains(q.text);
    const prefix = startsWith(q.text);
    const n = q.limit + 1;
    const more: SearchResult['more'] = [];
    const take = <T>(kind: SearchResult['more'][number], rows: T[]): T[] => {
      if (rows.length > q.limit) more.push(kind);
      return rows.slice(0, q.limit);
    };
    // A caller limited to some sites: one more condition per kind, its sites bound as one array.
    const scoped = q.sites !== undefined;
    const within = (column: string) => (scoped ? ` AND ${column} = ANY(?::bigint[])` : '');
    const sitesArg = scoped ? [[...(q.sites ?? [])]] : [];

    const sites = take(
      'site',
      (await this.s.all(
        `SELECT id, name FROM sites WHERE name ILIKE ?${within('id')}
           ORDER BY name ILIKE ? DESC, lower(name), id LIMIT ?`,
        like,
        ...sitesArg,
        prefix,
        n,
      )) as { id: number; name: string }[],
    ).map((s): SearchHit => ({ kind: 'site', id: s.id, title: s.name, matched: 'name', site_id: s.id }));

    // The indexed search text (search.ts), as SQLite's trigram table; a MAC in another notation by its digits.
    const macClause = q.macHex ? ` OR ${DEVICE_SEARCH_TEXT} LIKE ?` : '';
    const deviceFields = ['name', 'ip_address', 'sys_name', 'mac_address'] as const;
    const devices = take(
      'device',
      (await this.s.allPlanned(
        `SELECT id, name, ip_address, sys_name, mac_address, site_id, status FROM devices
           WHERE (${DEVICE_SEARCH_TEXT} LIKE ?${macClause})${within('site_id')}
           ORDER BY (name ILIKE ? OR ip_address ILIKE ?) DESC, name LIMIT ?`,
        [
          deviceSearchPattern(q.text),
          ...(q.macHex ? [deviceSearchPattern(q.macHex)] : []),
          ...sitesArg,
          prefix,
          prefix,
          n,
        ],
      )) as {
        id: number;
        name: string;
        ip_address: string;
        sys_name: string | null;
        mac_address: string | null;
        site_id: number;
        status: string;
      }[],
    ).map(
      (d): SearchHit => ({
        kind: 'device',
        id: d.id,
        title: d.name,
        matched: matchedField(d, deviceFields, q),
        site_id: d.site_id,
        status: d.status,
        ip_address: d.ip_address,
        sys_name: d.sys_name,
        mac_address: d.mac_address,
      }),
    );

    const cameraFields = ['name', 'ip_address', 'location'] as const;
    const cameras = take(
      'camera',
      (await this.s.all(
        `SELECT id, name, ip_address, location, site_id, status FROM cameras
           WHERE (name ILIKE ? OR ip_address ILIKE ? OR location ILIKE ?)${within('site_id')}
           ORDER BY name ILIKE ? DESC, name LIMIT ?`,
        like,
        like,
        like,
        ...sitesArg,
        prefix,
        n,
      )) as {
        id: number;
        name: string;
        ip_address: string;
        location: string | null;
        site_id: number;
        status: string;
      }[],
    ).map(
      (c): SearchHit => ({
        kind: 'camera',
        id: c.id,
        title: c.name,
        matched: matchedField(c, cameraFields, q),
        site_id: c.site_id,
        status: c.status,
        ip_address: c.ip_address,
      }),
    );

    // Open alerts first, then the newest: the id order is the creation order.
    const alerts = take(
      'alert',
      (await this.s.all(
        `SELECT id, title, severity, state, site_id, created_at FROM alerts
           WHERE title ILIKE ?${within('site_id')}
           ORDER BY state = 'open' DESC, id DESC LIMIT ?`,
        like,
        ...sitesArg,
        n,
      )) as {
        id: number;
        title: string;
        severity: string;
        state: string;
        site_id: number | null;
        created_at: number;
      }[],
    ).map(
      (a): SearchHit => ({
        kind: 'alert',
        id: a.id,
        title: a.title,
        matched: 'title',
        site_id: a.site_id,
        severity: a.severity,
        state: a.state,
        at: a.created_at,
      }),
    );
    return { sites, devices, cameras, alerts, more };
  }
}
