import type { DiscoveredRepo, DiscoveredRow } from '../discovered.js';
import type { Scope } from './connection.js';

export class PgDiscovered implements DiscoveredRepo {
  constructor(private readonly s: Scope) {}

  async upsert(
    siteId: number,
    hosts: readonly { ip: string; host: string }[],
    jobId: string | null,
    now: number,
  ): Promise<void> {
    if (hosts.length === 0) return;
    // One statement for the whole sweep (arrays unnested), atomic on its own.
    await this.s.run(
      `INSERT INTO discovered_hosts (site_id, ip, host, first_seen, last_seen, job_id)
       SELECT ?, h.ip, h.host, ?, ?, ? FROM unnest(?::text[], ?::text[]) AS h(ip, host)
       ON CONFLICT (site_id, ip) DO UPDATE SET host = excluded.host, last_seen = excluded.last_seen, job_id = excluded.job_id`,
      siteId,
      now,
      now,
      jobId,
      hosts.map((h) => h.ip),
      hosts.map((h) => h.host),
    );
  }

  list(siteId: number): Promise<DiscoveredRow[]> {
    return this.s.all<DiscoveredRow>('SELECT * FROM discovered_hosts WHERE site_id = ? ORDER BY ip', siteId);
  }

  get(siteId: number, ip: string): Promise<DiscoveredRow | undefined> {
    return this.s.get<DiscoveredRow>(
      'SELECT * FROM discovered_hosts WHERE site_id = ? AND ip = ?',
      siteId,
      ip,
    );
  }

  remove(siteId: number, ips: readonly string[]): Promise<number> {
    return this.s.run('DELETE FROM discovered_hosts WHERE site_id = ? AND ip = ANY(?::text[])', siteId, [
      ...ips,
    ]);
  }
}
