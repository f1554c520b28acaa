import type { ConfigVersionRepo } from '../config-versions.js';
import type { Scope } from './connection.js';

export class PgConfigVersions implements ConfigVersionRepo {
  constructor(private readonly s: Scope) {}

  async versionFor(siteId: number, hash: string, now: number) {
    // One statement: two hubs (or two units) bumping the same site get consecutive versions, never the same
    // version for different content; an unchanged hash updates nothing and returns no row.
    const bumped = await this.s.get<{ version: number; issued_at: number }>(
      `INSERT INTO site_config_versions AS v (site_id, version, hash, issued_at) VALUES (?, 1, ?, ?)
       ON CONFLICT (site_id) DO UPDATE SET version = v.version + 1, hash = excluded.hash, issued_at = excluded.issued_at
         WHERE v.hash <> excluded.hash
       RETURNING version, issued_at`,
      siteId,
      hash,
      now,
    );
    if (bumped) return { version: bumped.version, issued_at: bumped.issued_at, changed: true };
    const row = (await this.s.get<{ version: number; issued_at: number }>(
      'SELECT version, issued_at FROM site_config_versions WHERE site_id = ?',
      siteId,
    )) as { version: number; issued_at: number };
    return { version: row.version, issued_at: row.issued_at, changed: false };
  }

  async current(siteId: number): Promise<number | undefined> {
    return (
      await this.s.get<{ version: number }>(
        'SELECT version FROM site_config_versions WHERE site_id = ?',
        siteId,
      )
    )?.version;
  }
}
