import type { MaintenanceRepo } from '../store/maintenance.js';
import { MaintenanceSchedule, MaintenanceScope, type MaintenanceWindow } from './maintenance.js';

/** Every window as the engine matches them; a row that no longer parses is skipped and reported. */
export async function loadWindows(
  repo: MaintenanceRepo,
  onInvalid: (id: number, why: string) => void,
): Promise<MaintenanceWindow[]> {
  const out: MaintenanceWindow[] = [];
  for (const r of await repo.list()) {
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
