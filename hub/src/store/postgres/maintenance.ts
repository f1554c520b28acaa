import type { MaintenanceInput, MaintenanceRepo, MaintenanceRow } from '../maintenance.js';
import type { Scope } from './connection.js';

export class PgMaintenance implements MaintenanceRepo {
  constructor(private readonly s: Scope) {}

  list(): Promise<MaintenanceRow[]> {
    return this.s.all<MaintenanceRow>('SELECT * FROM maintenance_windows ORDER BY id');
  }

  get(id: number): Promise<MaintenanceRow | undefined> {
    return this.s.get<MaintenanceRow>('SELECT * FROM maintenance_windows WHERE id = ?', id);
  }

  async insert(m: MaintenanceInput, userId: number | null, now: number): Promise<MaintenanceRow> {
    return (await this.s.get<MaintenanceRow>(
      `INSERT INTO maintenance_windows (name, scope, schedule, enabled, notes, created_at, updated_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      m.name,
      JSON.stringify(m.scope),
      JSON.stringify(m.schedule),
      m.enabled ? 1 : 0,
      m.notes,
      now,
      now,
      userId,
    )) as MaintenanceRow;
  }

  update(id: number, m: MaintenanceInput, now: number): Promise<MaintenanceRow | undefined> {
    return this.s.get<MaintenanceRow>(
      `UPDATE maintenance_windows SET name = ?, scope = ?, schedule = ?, enabled = ?, notes = ?, updated_at = ?
       WHERE id = ? RETURNING *`,
      m.name,
      JSON.stringify(m.scope),
      JSON.stringify(m.schedule),
      m.enabled ? 1 : 0,
      m.notes,
      now,
      id,
    );
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM maintenance_windows WHERE id = ?', id)) > 0;
  }
}
