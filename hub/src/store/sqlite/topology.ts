import type {
  DependencyKind,
  DiscoveryScheduleRow,
  InferredParentRow,
  TopologyFactsRow,
  TopologyRepo,
} from '../topology.js';
import type { Scope } from './connection.js';

export class SqliteTopology implements TopologyRepo {
  constructor(private readonly s: Scope) {}

  saveDevice(deviceId: number, ts: number, facts: string): Promise<boolean> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `INSERT INTO device_topology (device_id, ts, facts) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?)
             ON CONFLICT (device_id) DO UPDATE SET ts = excluded.ts, facts = excluded.facts WHERE excluded.ts > device_topology.ts`,
          )
          .run(deviceId, ts, facts, deviceId).changes > 0,
    );
  }

  saveAgent(agentId: string, ts: number, facts: string): Promise<boolean> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `INSERT INTO agent_networks (agent_id, ts, facts) VALUES (?, ?, ?)
             ON CONFLICT (agent_id) DO UPDATE SET ts = excluded.ts, facts = excluded.facts WHERE excluded.ts > agent_networks.ts`,
          )
          .run(agentId, ts, facts).changes > 0,
    );
  }

  forSite(siteId: number): Promise<{ devices: TopologyFactsRow[]; agents: TopologyFactsRow[] }> {
    return this.s.run(() => ({
      devices: this.s
        .stmt(
          `SELECT CAST(t.device_id AS TEXT) AS key, t.ts, t.facts FROM device_topology t
           JOIN devices d ON d.id = t.device_id WHERE d.site_id = ? ORDER BY t.device_id`,
        )
        .all(siteId) as TopologyFactsRow[],
      agents: this.s
        .stmt(
          `SELECT n.agent_id AS key, n.ts, n.facts FROM agent_networks n
           JOIN agents a ON a.id = n.agent_id WHERE a.site_id = ? AND a.revoked_at IS NULL ORDER BY n.agent_id`,
        )
        .all(siteId) as TopologyFactsRow[],
    }));
  }

  replaceInferred(
    siteId: number,
    rows: readonly Omit<InferredParentRow, 'pinned' | 'site_id'>[],
    now: number,
  ): Promise<void> {
    return this.s.run(() => {
      const keep = new Set(rows.map((r) => `${r.target_kind}:${r.target_id}`));
      const current = this.s
        .stmt('SELECT target_kind, target_id, pinned FROM inferred_parents WHERE site_id = ?')
        .all(siteId) as { target_kind: DependencyKind; target_id: number; pinned: number }[];
      for (const c of current)
        if (!c.pinned && !keep.has(`${c.target_kind}:${c.target_id}`))
          this.s
            .stmt('DELETE FROM inferred_parents WHERE target_kind = ? AND target_id = ?')
            .run(c.target_kind, c.target_id);
      const upsert = this.s.stmt(
        `INSERT INTO inferred_parents (target_kind, target_id, site_id, parent_id, evidence, pinned, inferred_at)
         VALUES (?, ?, ?, ?, ?, 0, ?)
         ON CONFLICT (target_kind, target_id) DO UPDATE SET
           site_id = excluded.site_id,
           parent_id = CASE WHEN inferred_parents.pinned = 1 THEN inferred_parents.parent_id ELSE excluded.parent_id END,
           evidence = CASE WHEN inferred_parents.pinned = 1 THEN inferred_parents.evidence ELSE excluded.evidence END,
           inferred_at = excluded.inferred_at`,
      );
      for (const r of rows) upsert.run(r.target_kind, r.target_id, siteId, r.parent_id, r.evidence, now);
    });
  }

  inferred(siteId?: number): Promise<InferredParentRow[]> {
    return this.s.run(() =>
      siteId === undefined
        ? (this.s
            .stmt('SELECT * FROM inferred_parents ORDER BY target_kind, target_id')
            .all() as InferredParentRow[])
        : (this.s
            .stmt('SELECT * FROM inferred_parents WHERE site_id = ? ORDER BY target_kind, target_id')
            .all(siteId) as InferredParentRow[]),
    );
  }

  pin(kind: DependencyKind, targetId: number, pinned: boolean): Promise<InferredParentRow | undefined> {
    return this.s.run(() => {
      this.s
        .stmt('UPDATE inferred_parents SET pinned = ? WHERE target_kind = ? AND target_id = ?')
        .run(pinned ? 1 : 0, kind, targetId);
      return this.s
        .stmt('SELECT * FROM inferred_parents WHERE target_kind = ? AND target_id = ?')
        .get(kind, targetId) as InferredParentRow | undefined;
    });
  }

  forget(kind: DependencyKind, targetId: number): Promise<void> {
    return this.s.run(() => {
      this.s.stmt('DELETE FROM inferred_parents WHERE target_kind = ? AND target_id = ?').run(kind, targetId);
    });
  }

  schedule(siteId: number): Promise<DiscoveryScheduleRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM discovery_schedules WHERE site_id = ?').get(siteId) as
          | DiscoveryScheduleRow
          | undefined,
    );
  }

  schedules(): Promise<DiscoveryScheduleRow[]> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM discovery_schedules ORDER BY next_run_at').all() as DiscoveryScheduleRow[],
    );
  }

  setSchedule(row: DiscoveryScheduleRow | { site_id: number; delete: true }): Promise<void> {
    return this.s.run(() => {
      if ('delete' in row) {
        this.s.stmt('DELETE FROM discovery_schedules WHERE site_id = ?').run(row.site_id);
        return;
      }
      this.s
        .stmt(
          `INSERT INTO discovery_schedules (site_id, args, interval_s, next_run_at, last_job_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (site_id) DO UPDATE SET args = excluded.args, interval_s = excluded.interval_s,
             next_run_at = excluded.next_run_at, last_job_id = excluded.last_job_id, updated_at = excluded.updated_at`,
        )
        .run(row.site_id, row.args, row.interval_s, row.next_run_at, row.last_job_id, row.updated_at);
    });
  }
}
