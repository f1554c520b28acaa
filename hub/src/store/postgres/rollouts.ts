import type { NewRollout, RolloutAgentRow, RolloutRepo, RolloutRow } from '../rollouts.js';
import type { Scope } from './connection.js';

export class PgRollouts implements RolloutRepo {
  constructor(private readonly s: Scope) {}

  async insert(r: NewRollout, now: number): Promise<RolloutRow> {
    return (await this.s.get<RolloutRow>(
      `INSERT INTO rollouts (version, state, site_id, percent, confirm_s, created_by, created_at, updated_at)
       VALUES (?, 'active', ?, ?, ?, ?, ?, ?) RETURNING *`,
      r.version,
      r.site_id,
      r.percent,
      r.confirm_s,
      r.created_by,
      now,
      now,
    )) as RolloutRow;
  }

  get(id: number): Promise<RolloutRow | undefined> {
    return this.s.get<RolloutRow>('SELECT * FROM rollouts WHERE id = ?', id);
  }

  list(limit: number): Promise<RolloutRow[]> {
    return this.s.all<RolloutRow>('SELECT * FROM rollouts ORDER BY id DESC LIMIT ?', limit);
  }

  current(): Promise<RolloutRow | undefined> {
    return this.s.get<RolloutRow>("SELECT * FROM rollouts WHERE state IN ('active', 'paused')");
  }

  update(
    id: number,
    patch: Partial<Pick<RolloutRow, 'state' | 'site_id' | 'percent' | 'note' | 'finished_at'>>,
    now: number,
  ): Promise<RolloutRow | undefined> {
    // Column names are the patch's known keys, never input.
    const keys = (['state', 'site_id', 'percent', 'note', 'finished_at'] as const).filter(
      (k) => patch[k] !== undefined,
    );
    return this.s.get<RolloutRow>(
      `UPDATE rollouts SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`,
      ...keys.map((k) => patch[k]),
      now,
      id,
    );
  }

  agents(rolloutId: number): Promise<RolloutAgentRow[]> {
    return this.s.all<RolloutAgentRow>(
      'SELECT * FROM rollout_agents WHERE rollout_id = ? ORDER BY agent_id',
      rolloutId,
    );
  }

  async putAgent(r: RolloutAgentRow): Promise<void> {
    await this.s.run(
      `INSERT INTO rollout_agents (rollout_id, agent_id, site_id, from_version, state, job_id, detail, since, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rollout_id, agent_id) DO UPDATE SET site_id = excluded.site_id,
         from_version = excluded.from_version, state = excluded.state, job_id = excluded.job_id,
         detail = excluded.detail, since = excluded.since, updated_at = excluded.updated_at`,
      r.rollout_id,
      r.agent_id,
      r.site_id,
      r.from_version,
      r.state,
      r.job_id,
      r.detail,
      r.since,
      r.updated_at,
    );
  }

  async usesVersion(version: string): Promise<boolean> {
    return (await this.s.get('SELECT 1 FROM rollouts WHERE version = ? LIMIT 1', version)) !== undefined;
  }
}
