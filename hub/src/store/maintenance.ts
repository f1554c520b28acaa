/** A maintenance window as stored: `scope` and `schedule` are JSON text, `enabled` 0 or 1. */
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

export interface MaintenanceInput {
  name: string;
  scope: unknown;
  schedule: unknown;
  enabled: boolean;
  notes: string | null;
}

/** Maintenance windows (scope and schedule are validated by the alerting code, stored as given). */
export interface MaintenanceRepo {
  /** By id. */
  list(): Promise<MaintenanceRow[]>;
  get(id: number): Promise<MaintenanceRow | undefined>;
  insert(m: MaintenanceInput, userId: number | null, now: number): Promise<MaintenanceRow>;
  update(id: number, m: MaintenanceInput, now: number): Promise<MaintenanceRow | undefined>;
  delete(id: number): Promise<boolean>;
}
