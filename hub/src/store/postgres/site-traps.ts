import type { SiteTrapsRecord, SiteTrapsRepo, SiteTrapsRow } from '../site-traps.js';
import type { Scope } from './connection.js';

type Raw = Omit<SiteTrapsRow, 'enabled'> & { enabled: number };

export class PgSiteTraps implements SiteTrapsRepo {
  constructor(private readonly s: Scope) {}

  async get(siteId: number): Promise<SiteTrapsRow | undefined> {
    const r = await this.s.get<Raw>('SELECT * FROM site_traps WHERE site_id = ?', siteId);
    return r ? { ...r, enabled: r.enabled === 1 } : undefined;
  }

  async put(siteId: number, r: SiteTrapsRecord, now: number): Promise<SiteTrapsRow> {
    await this.s.run(
      `INSERT INTO site_traps (site_id, enabled, port, address, rate_per_s, burst, max_per_s, users_json, secret, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site_id) DO UPDATE SET enabled = excluded.enabled, port = excluded.port,
         address = excluded.address, rate_per_s = excluded.rate_per_s, burst = excluded.burst,
         max_per_s = excluded.max_per_s, users_json = excluded.users_json, secret = excluded.secret,
         updated_at = excluded.updated_at`,
      siteId,
      r.enabled ? 1 : 0,
      r.port,
      r.address,
      r.rate_per_s,
      r.burst,
      r.max_per_s,
      r.users_json,
      r.secret,
      now,
    );
    return (await this.get(siteId)) as SiteTrapsRow;
  }

  async delete(siteId: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM site_traps WHERE site_id = ?', siteId)) > 0;
  }
}
