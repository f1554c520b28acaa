import type { Db } from './db.js';

export interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  location: string | null;
  timezone: string;
  notes: string | null;
  created_at: number;
  updated_at: number;
}

export interface SiteInput {
  name: string;
  address?: string | null;
  location?: string | null;
  timezone?: string;
  notes?: string | null;
}

const FIELDS = ['name', 'address', 'location', 'timezone', 'notes'] as const;

export function getSite(db: Db, id: number): SiteRow | undefined {
  return db.prepare('SELECT * FROM sites WHERE id = ?').get(id) as SiteRow | undefined;
}

export function listSites(db: Db): (SiteRow & { device_count: number; camera_count: number })[] {
  return db
    .prepare(
      `SELECT s.*,
        (SELECT COUNT(*) FROM devices d WHERE d.site_id = s.id) AS device_count,
        (SELECT COUNT(*) FROM cameras c WHERE c.site_id = s.id) AS camera_count
       FROM sites s ORDER BY s.name`,
    )
    .all() as (SiteRow & { device_count: number; camera_count: number })[];
}

export function insertSite(db: Db, s: SiteInput, now: number): SiteRow {
  const info = db
    .prepare(
      'INSERT INTO sites (name, address, location, timezone, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(s.name, s.address ?? null, s.location ?? null, s.timezone ?? 'UTC', s.notes ?? null, now, now);
  return getSite(db, Number(info.lastInsertRowid)) as SiteRow;
}

export function updateSite(db: Db, id: number, patch: Partial<SiteInput>, now: number): SiteRow | undefined {
  const sets: string[] = [];
  const args: unknown[] = [];
  for (const f of FIELDS) {
    if (patch[f] !== undefined) {
      sets.push(`${f} = ?`);
      args.push(patch[f]);
    }
  }
  sets.push('updated_at = ?');
  db.prepare(`UPDATE sites SET ${sets.join(', ')} WHERE id = ?`).run(...args, now, id);
  return getSite(db, id);
}

/** Counts what still belongs to a site (a site with devices or cameras cannot be deleted). */
export function siteUsage(db: Db, id: number): { devices: number; cameras: number } {
  const devices = (db.prepare('SELECT COUNT(*) AS n FROM devices WHERE site_id = ?').get(id) as { n: number })
    .n;
  const cameras = (db.prepare('SELECT COUNT(*) AS n FROM cameras WHERE site_id = ?').get(id) as { n: number })
    .n;
  return { devices, cameras };
}

export function deleteSite(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM sites WHERE id = ?').run(id).changes > 0;
}
