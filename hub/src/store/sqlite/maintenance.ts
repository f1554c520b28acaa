import type { MaintenanceInput, MaintenanceRepo, MaintenanceRow } from '../maintenance.js';
import type { Scope } from './connection.js';

export class SqliteMaintenance implements MaintenanceRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): MaintenanceRow | undefined {
    return this.s.stmt('SELECT * FROM maintenance_windows WHERE id = ?').get(id) as
      | MaintenanceRow
      | undefined;
  }

  list(): Promise<MaintenanceRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM maintenance_windows ORDER BY id').all() as MaintenanceRow[],
    );
  }

  get(id: number): Promise<MaintenanceRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  insert(m: MaintenanceInput, userId: number | null, now: number): Promise<MaintenanceRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO maintenance_windows (name, scope, schedule, enabled, notes, created_at, updated_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.name,
          JSON.stringify(m.scope),
          JSON.stringify(m.schedule),
          m.enabled ? 1 : 0,
          m.notes,
          now,
          now,
          userId,
        );
      return this.#get(Number(info.lastInsertRowid)) as MaintenanceRow;
    });
  }

  update(id: number, m: MaintenanceInput, now: number): Promise<MaintenanceRow | undefined> {
    return this.s.run(() => {
      this.s
        .stmt(
          'UPDATE maintenance_windows SET name = ?, scope = ?, schedule = ?, enabled = ?, notes = ?, updated_at = ? WHERE id = ?',
        )
        .run(
          m.name,
          JSON.stringify(m.scope),
          JSON.stringify(m.schedule),
          m.enabled ? 1 : 0,
          m.notes,
          now,
          id,
        );
      return this.#get(id);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM maintenance_windows WHERE id = ?').run(id).changes > 0);
  }
}
