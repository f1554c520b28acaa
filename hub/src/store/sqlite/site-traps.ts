import type { SiteTrapsRecord, SiteTrapsRepo, SiteTrapsRow } from '../site-traps.js';
import type { Scope } from './connection.js';

type Raw = Omit<SiteTrapsRow, 'enabled'> & { enabled: number };

export class SqliteSiteTraps implements SiteTrapsRepo {
  constructor(private readonly s: Scope) {}

  #get(siteId: number): SiteTrapsRow | undefined {
    const r = this.s.stmt('SELECT * FROM site_traps WHERE site_id = ?').get(siteId) as Raw | undefined;
    return r ? { ...r, enabled: r.enabled === 1 } : undefined;
  }

  get(siteId: number): Promise<SiteTrapsRow | undefined> {
    return this.s.run(() => this.#get(siteId));
  }

  put(siteId: number, r: SiteTrapsRecord, now: number): Promise<SiteTrapsRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO site_traps (site_id, enabled, port, address, rate_per_s, burst, max_per_s, users_json, secret, updated_at)
           VALUES (@site_id, @enabled, @port, @address, @rate_per_s, @burst, @max_per_s, @users_json, @secret, @now)
           ON CONFLICT (site_id) DO UPDATE SET enabled = excluded.enabled, port = excluded.port,
             address = excluded.address, rate_per_s = excluded.rate_per_s, burst = excluded.burst,
             max_per_s = excluded.max_per_s, users_json = excluded.users_json, secret = excluded.secret,
             updated_at = excluded.updated_at`,
        )
        .run({ ...r, site_id: siteId, enabled: r.enabled ? 1 : 0, now });
      return this.#get(siteId) as SiteTrapsRow;
    });
  }

  delete(siteId: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM site_traps WHERE site_id = ?').run(siteId).changes > 0);
  }
}
