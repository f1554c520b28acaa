import type {
  DependencyKind,
  DiscoveryScheduleRow,
  InferredParentRow,
  TopologyFactsRow,
  TopologyRepo,
} from '../topology.js';
import type { Scope } from './connection.js';

export class PgTopology implements TopologyRepo {
  constructor(private readonly s: Scope) {}

  async saveDevice(deviceId: number, ts: number, facts: string): Promise<boolean> {
    return (
      (await this.s.run(
        `INSERT INTO device_topology (device_id, ts, facts) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?)
         ON CONFLICT (device_id) DO UPDATE SET ts = excluded.ts, facts = excluded.facts WHERE excluded.ts > device_topology.ts`,
        deviceId,
        ts,
        facts,
        deviceId,
      )) > 0
    );
  }

  async saveAgent(agentId: string, ts: number, facts: string): Promise<boolean> {
    return (
      (await this.s.run(
        `INSERT INTO agent_networks (agent_id, ts, facts) VALUES (?, ?, ?)
         ON CONFLICT (agent_id) DO UPDATE SET ts = excluded.ts, facts = excluded.facts WHERE excluded.ts > agent_networks.ts`,
        agentId,
        ts,
        facts,
      )) > 0
    );
  }

  async forSite(siteId: number): Promise<{ devices: TopologyFactsRow[]; agents: TopologyFactsRow[] }> {
    return {
      devices: await this.s.all<TopologyFactsRow>(
        `SELECT CAST(t.device_id AS TEXT) AS key, t.ts, t.facts FROM device_topology t
         JOIN devices d ON d.id = t.device_id WHERE d.site_id = ? ORDER BY t.device_id`,
        siteId,
      ),
      agents: await this.s.all<TopologyFactsRow>(
        `SELECT n.agent_id AS key, n.ts, n.facts FROM agent_networks n
         JOIN agents a ON a.id = n.agent_id WHERE a.site_id = ? AND a.revoked_at IS NULL ORDER BY n.agent_id`,
        siteId,
      ),
    };
  }

  replaceInferred(
    siteId: number,
    rows: readonly Omit<InferredParentRow, 'pinned' | 'site_id'>[],
    now: number,
  ): Promise<void> {
    return this.s.atomic(async (s) => {
      // Pinned rows stay; the rest of the site's rows not in `rows` go; `rows` are upserted in one statement.
      await s.run(
        `DELETE FROM inferred_parents WHERE site_id = ? AND pinned = 0
           AND (target_kind || ':' || target_id) <> ALL(?::text[])`,
        siteId,
        rows.map((r) => `${r.target_kind}:${r.target_id}`),
      );
      if (rows.length === 0) return;
      await s.run(
        `INSERT INTO inferred_parents AS p (target_kind, target_id, site_id, parent_id, evidence, pinned, inferred_at)
         SELECT r.kind, r.id, ?, r.parent, r.evidence, 0, ?
         FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[]) AS r(kind, id, parent, evidence)
         ON CONFLICT (target_kind, target_id) DO UPDATE SET
           site_id = excluded.site_id,
           parent_id = CASE WHEN p.pinned = 1 THEN p.parent_id ELSE excluded.parent_id END,
           evidence = CASE WHEN p.pinned = 1 THEN p.evidence ELSE excluded.evidence END,
           inferred_at = excluded.inferred_at`,
        siteId,
        now,
        rows.map((r) => r.target_kind),
        rows.map((r) => r.target_id),
        rows.map((r) => r.parent_id),
        rows.map((r) => r.evidence),
      );
    });
  }

  inferred(siteId?: number): Promise<InferredParentRow[]> {
    return siteId === undefined
      ? this.s.all<InferredParentRow>('SELECT * FROM inferred_parents ORDER BY target_kind, target_id')
      : this.s.all<InferredParentRow>(
          'SELECT * FROM inferred_parents WHERE site_id = ? ORDER BY target_kind, target_id',
          siteId,
        );
  }

  pin(kind: DependencyKind, targetId: number, pinned: boolean): Promise<InferredParentRow | undefined> {
    return this.s.get<InferredParentRow>(
      'UPDATE inferred_parents SET pinned = ? WHERE target_kind = ? AND target_id = ? RETURNING *',
      pinned ? 1 : 0,
      kind,
      targetId,
    );
  }

  async forget(kind: DependencyKind, targetId: number): Promise<void> {
    await this.s.run('DELETE FROM inferred_parents WHERE target_kind = ? AND target_id = ?', kind, targetId);
  }

  schedule(siteId: number): Promise<DiscoveryScheduleRow | undefined> {
    return this.s.get<DiscoveryScheduleRow>('SELECT * FROM discovery_schedules WHERE site_id = ?', siteId);
  }

  schedules(): Promise<DiscoveryScheduleRow[]> {
    return this.s.all<DiscoveryScheduleRow>(
      'SELECT * FROM discovery_schedules ORDER BY next_run_at, site_id',
    );
  }

  async setSchedule(row: DiscoveryScheduleRow | { site_id: number; delete: true }): Promise<void> {
    if ('delete' in row) {
      await this.s.run('DELETE FROM discovery_schedules WHERE site_id = ?', row.site_id);
      return;
    }
    await this.s.run(
      `INSERT INTO discovery_schedules (site_id, args, interval_s, next_run_at, last_job_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (site_id) DO UPDATE SET args = excluded.args, interval_s = excluded.interval_s,
         next_run_at = excluded.next_run_at, last_job_id = excluded.last_job_id, updated_at = excluded.updated_at`,
      row.site_id,
      row.args,
      row.interval_s,
      row.next_run_at,
      row.last_job_id,
      row.updated_at,
    );
  }
}
