import type { Db } from './db.js';

/** The config version of each site: it grows only when the config's content changes. */
export class ConfigVersionStore {
  constructor(private readonly db: Db) {}

  /** The version for a config whose content hashes to `hash`: the current one, or the next when it changed. */
  versionFor(
    siteId: number,
    hash: string,
    now: number,
  ): { version: number; issued_at: number; changed: boolean } {
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT version, hash, issued_at FROM site_config_versions WHERE site_id = ?')
        .get(siteId) as { version: number; hash: string; issued_at: number } | undefined;
      if (row && row.hash === hash) return { version: row.version, issued_at: row.issued_at, changed: false };
      const version = (row?.version ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO site_config_versions (site_id, version, hash, issued_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, issued_at = excluded.issued_at`,
        )
        .run(siteId, version, hash, now);
      return { version, issued_at: now, changed: true };
    })();
  }

  current(siteId: number): number | undefined {
    return this.db
      .prepare('SELECT version FROM site_config_versions WHERE site_id = ?')
      .pluck()
      .get(siteId) as number | undefined;
  }
}
