import type { Db } from '../store/db.js';
import { MaintenanceSchedule, MaintenanceScope, type MaintenanceWindow } from './maintenance.js';

export interface MaintenanceRow {
  id: number;
  name: string;
  scope: string;
  schedule: string;
  enabled: number;
  notes: string | null;
  created_at: number;
  updated_at: number;
  created_by: number | null;
}

export function maintenanceView(r: MaintenanceRow) {
  return {
    id: r.id,
    name: r.name,
    scope: JSON.parse(r.scope) as MaintenanceScope,
    schedule: JSON.parse(r.schedule) as MaintenanceSchedule,
    enabled: r.enabled === 1,
    notes: r.notes,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function listMaintenance(db: Db): MaintenanceRow[] {
  return db.prepare('SELECT * FROM maintenance_windows ORDER BY id').all() as MaintenanceRow[];
}

export function getMaintenance(db: Db, id: number): MaintenanceRow | undefined {
  return db.prepare('SELECT * FROM maintenance_windows WHERE id = ?').get(id) as MaintenanceRow | undefined;
}

export interface MaintenanceInput {
  name: string;
  scope: MaintenanceScope;
  schedule: MaintenanceSchedule;
  enabled: boolean;
  notes: string | null;
}

export function insertMaintenance(
  db: Db,
  m: MaintenanceInput,
  userId: number | null,
  now: number,
): MaintenanceRow {
  const info = db
    .prepare(
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
  return getMaintenance(db, Number(info.lastInsertRowid))!;
}

export function updateMaintenance(db: Db, id: number, m: MaintenanceInput, now: number): MaintenanceRow {
  db.prepare(
    'UPDATE maintenance_windows SET name = ?, scope = ?, schedule = ?, enabled = ?, notes = ?, updated_at = ? WHERE id = ?',
  ).run(m.name, JSON.stringify(m.scope), JSON.stringify(m.schedule), m.enabled ? 1 : 0, m.notes, now, id);
  return getMaintenance(db, id)!;
}

export function deleteMaintenance(db: Db, id: number): void {
  db.prepare('DELETE FROM maintenance_windows WHERE id = ?').run(id);
}

/** Every window as the engine matches them; a row that no longer parses is skipped and reported. */
export function loadWindows(db: Db, onInvalid: (id: number, why: string) => void): MaintenanceWindow[] {
  const out: MaintenanceWindow[] = [];
  for (const r of listMaintenance(db)) {
    const scope = MaintenanceScope.safeParse(JSON.parse(r.scope));
    const schedule = MaintenanceSchedule.safeParse(JSON.parse(r.schedule));
    if (!scope.success || !schedule.success) {
      onInvalid(r.id, 'invalid scope or schedule');
      continue;
    }
    out.push({
      id: r.id,
      name: r.name,
      scope: scope.data,
      schedule: schedule.data,
      enabled: r.enabled === 1,
    });
  }
  return out;
}
