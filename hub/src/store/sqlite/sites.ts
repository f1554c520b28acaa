import type { SiteInput, SiteRepo, SiteRow } from '../sites.js';
import type { Scope } from './connection.js';

const FIELDS = ['name', 'address', 'location', 'timezone', 'notes', 'group_id'] as const;

export class SqliteSites implements SiteRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): SiteRow | undefined {
    return this.s.stmt('SELECT * FROM sites WHERE id = ?').get(id) as SiteRow | undefined;
  }

  get(id: number): Promise<SiteRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  byName(name: string): Promise<SiteRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM sites WHERE name = ?').get(name) as SiteRow | undefined,
    );
  }

  list(): Promise<(SiteRow & { device_count: number; camera_count: number })[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `SELECT s.*,
              (SELECT COUNT(*) FROM devices d WHERE d.site_id = s.id) AS device_count,
              (SELECT COUNT(*) FROM cameras c WHERE c.site_id = s.id) AS camera_count
             FROM sites s ORDER BY s.name`,
          )
          .all() as (SiteRow & { device_count: number; camera_count: number })[],
    );
  }

  insert(s: SiteInput, now: number): Promise<SiteRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          'INSERT INTO sites (name, address, location, timezone, notes, group_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          s.name,
          s.address ?? null,
          s.location ?? null,
          s.timezone ?? 'UTC',
          s.notes ?? null,
          s.group_id ?? null,
          now,
          now,
        );
      return this.#get(Number(info.lastInsertRowid)) as SiteRow;
    });
  }

  update(id: number, patch: Partial<SiteInput>, now: number): Promise<SiteRow | undefined> {
    return this.s.run(() => {
      const keys = FIELDS.filter((f) => patch[f] !== undefined);
      this.s
        .stmt(
          `UPDATE sites SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
        )
        .run(...keys.map((k) => patch[k]), now, id);
      return this.#get(id);
    });
  }

  usage(id: number): Promise<{ devices: number; cameras: number }> {
    return this.s.run(() => ({
      devices: (this.s.stmt('SELECT COUNT(*) AS n FROM devices WHERE site_id = ?').get(id) as { n: number })
        .n,
      cameras: (this.s.stmt('SELECT COUNT(*) AS n FROM cameras WHERE site_id = ?').get(id) as { n: number })
        .n,
    }));
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM sites WHERE id = ?').run(id).changes > 0);
  }
}
