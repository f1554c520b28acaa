import type { SiteInput, SiteRepo, SiteRow } from '../sites.js';
import type { Scope } from './connection.js';

const FIELDS = ['name', 'address', 'location', 'timezone', 'notes', 'group_id'] as const;

export class PgSites implements SiteRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<SiteRow | undefined> {
    return this.s.get<SiteRow>('SELECT * FROM sites WHERE id = ?', id);
  }

  byName(name: string): Promise<SiteRow | undefined> {
    return this.s.get<SiteRow>('SELECT * FROM sites WHERE lower(name) = lower(?)', name);
  }

  list(): Promise<(SiteRow & { device_count: number; camera_count: number })[]> {
    return this.s.all(
      `SELECT s.*,
         (SELECT COUNT(*) FROM devices d WHERE d.site_id = s.id) AS device_count,
         (SELECT COUNT(*) FROM cameras c WHERE c.site_id = s.id) AS camera_count
       FROM sites s ORDER BY lower(s.name), s.id`,
    );
  }

  async insert(s: SiteInput, now: number): Promise<SiteRow> {
    return (await this.s.get<SiteRow>(
      `INSERT INTO sites (name, address, location, timezone, notes, group_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      s.name,
      s.address ?? null,
      s.location ?? null,
      s.timezone ?? 'UTC',
      s.notes ?? null,
      s.group_id ?? null,
      now,
      now,
    )) as SiteRow;
  }

  update(id: number, patch: Partial<SiteInput>, now: number): Promise<SiteRow | undefined> {
    const keys = FIELDS.filter((f) => patch[f] !== undefined);
    return this.s.get<SiteRow>(
      `UPDATE sites SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`,
      ...keys.map((k) => patch[k]),
      now,
      id,
    );
  }

  async usage(id: number): Promise<{ devices: number; cameras: number }> {
    const row = await this.s.get<{ devices: number; cameras: number }>(
      `SELECT (SELECT COUNT(*) FROM devices WHERE site_id = ?) AS devices,
              (SELECT COUNT(*) FROM cameras WHERE site_id = ?) AS cameras`,
      id,
      id,
    );
    return row ?? { devices: 0, cameras: 0 };
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM sites WHERE id = ?', id)) > 0;
  }
}
