import type { MaintenanceSchedule, MaintenanceScope } from '../../alerts/maintenance.js';
import type { MaintenanceRow } from '../../store/maintenance.js';

/** The API representation of a maintenance window (without `active`, which the route adds). */
export function maintenanceToApi(r: MaintenanceRow) {
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
