import type { NewRollout, RolloutAgentRow, RolloutRepo, RolloutRow } from '../rollouts.js';
import type { Scope } from './connection.js';

export class SqliteRollouts implements RolloutRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): RolloutRow | undefined {
    return this.s.stmt('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined;
  }

  insert(r: NewRollout, now: number): Promise<RolloutRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO rollouts (version, state, site_id, percent, confirm_s, created_by, created_at, updated_at)
           VALUES (?, 'active', ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.version, r.site_id, r.percent, r.confirm_s, r.created_by, now, now);
      return this.#get(Number(info.lastInsertRowid)) as RolloutRow;
    });
  }

  get(id: number): Promise<RolloutRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  list(limit: number): Promise<RolloutRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM rollouts ORDER BY id DESC LIMIT ?').all(limit) as RolloutRow[],
    );
  }

  current(): Promise<RolloutRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt("SELECT * FROM rollouts WHERE state IN ('active', 'paused')").get() as
          | RolloutRow
          | undefined,
    );
  }

  update(
    id: number,
    patch: Partial<Pick<RolloutRow, 'state' | 'site_id' | 'percent' | 'note' | 'finished_at'>>,
    now: number,
  ): Promise<RolloutRow | undefined> {
    return this.s.run(() => {
      // Column names are the patch's known keys, never input.
      const keys = (['state', 'site_id', 'percent', 'note', 'finished_at'] as const).filter(
        (k) => patch[k] !== undefined,
      );
      this.s
        .stmt(
          `UPDATE rollouts SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
        )
        .run(...keys.map((k) => patch[k]), now, id);
      return this.#get(id);
    });
  }

  agents(rolloutId: number): Promise<RolloutAgentRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT * FROM rollout_agents WHERE rollout_id = ? ORDER BY agent_id')
          .all(rolloutId) as RolloutAgentRow[],
    );
  }

  putAgent(r: RolloutAgentRow): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO rollout_agents (rollout_id, agent_id, site_id, from_version, state, job_id, detail, since, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (rollout_id, agent_id) DO UPDATE SET site_id = excluded.site_id,
             from_version = excluded.from_version, state = excluded.state, job_id = excluded.job_id,
             detail = excluded.detail, since = excluded.since, updated_at = excluded.updated_at`,
        )
        .run(
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
    });
  }

  usesVersion(version: string): Promise<boolean> {
    return this.s.run(
      () => this.s.stmt('SELECT 1 FROM rollouts WHERE version = ? LIMIT 1').get(version) !== undefined,
    );
  }
}
