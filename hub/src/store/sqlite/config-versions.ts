import type { ConfigVersionRepo } from '../config-versions.js';
import type { Scope } from './connection.js';

export class SqliteConfigVersions implements ConfigVersionRepo {
  constructor(private readonly s: Scope) {}

  versionFor(siteId: number, hash: string, now: number) {
    return this.s.atomic(() => {
      const row = this.s
        .stmt('SELECT version, hash, issued_at FROM site_config_versions WHERE site_id = ?')
        .get(siteId) as { version: number; hash: string; issued_at: number } | undefined;
      if (row && row.hash === hash) return { version: row.version, issued_at: row.issued_at, changed: false };
      const version = (row?.version ?? 0) + 1;
      this.s
        .stmt(
          `INSERT INTO site_config_versions (site_id, version, hash, issued_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, issued_at = excluded.issued_at`,
        )
        .run(siteId, version, hash, now);
      return { version, issued_at: now, changed: true };
    });
  }

  current(siteId: number): Promise<number | undefined> {
    return this.s.run(
      () =>
        (
          this.s.stmt('SELECT version FROM site_config_versions WHERE site_id = ?').get(siteId) as
            | { version: number }
            | undefined
        )?.version,
    );
  }
}
