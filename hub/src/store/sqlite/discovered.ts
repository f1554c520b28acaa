import type { DiscoveredRepo, DiscoveredRow } from '../discovered.js';
import type { Scope } from './connection.js';

export class SqliteDiscovered implements DiscoveredRepo {
  constructor(private readonly s: Scope) {}

  upsert(
    siteId: number,
    hosts: readonly { ip: string; host: string }[],
    jobId: string | null,
    now: number,
  ): Promise<void> {
    return this.s.run(() => {
      const stmt = this.s.stmt(
        `INSERT INTO discovered_hosts (site_id, ip, host, first_seen, last_seen, job_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (site_id, ip) DO UPDATE SET host = excluded.host, last_seen = excluded.last_seen, job_id = excluded.job_id`,
      );
      for (const h of hosts) stmt.run(siteId, h.ip, h.host, now, now, jobId);
    });
  }

  list(siteId: number): Promise<DiscoveredRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT * FROM discovered_hosts WHERE site_id = ? ORDER BY ip')
          .all(siteId) as DiscoveredRow[],
    );
  }

  get(siteId: number, ip: string): Promise<DiscoveredRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM discovered_hosts WHERE site_id = ? AND ip = ?').get(siteId, ip) as
          | DiscoveredRow
          | undefined,
    );
  }

  remove(siteId: number, ips: readonly string[]): Promise<number> {
    return this.s.run(() => {
      let n = 0;
      const stmt = this.s.stmt('DELETE FROM discovered_hosts WHERE site_id = ? AND ip = ?');
      for (const ip of ips) n += stmt.run(siteId, ip).changes;
      return n;
    });
  }
}
