import { hasSnmp } from '../inventory/credentials.js';
import type { HubStore } from '../store/port.js';
import type { AlertInput } from './types.js';

/**
 * The stored state of every agent, device, camera and check as status inputs (previous = current), for an
 * engine that starts while another hub may have led until now: a status that changed while no engine ran (the
 * old leader died, the new one had not started yet) opens or resolves its alert, and one that did not change
 * leaves its alert as it is (the rules keep one alert per target; a repeat only updates it). Targets never
 * reported (`unknown`) and revoked agents give no input.
 */
export async function storedStateInputs(store: HubStore, now: number): Promise<AlertInput[]> {
  const inputs: AlertInput[] = [];
  for (const a of await store.agents.list()) {
    if (a.revoked_at !== null) continue;
    inputs.push({
      kind: 'agent.status',
      agent_id: a.id,
      site_id: a.site_id,
      state: a.status,
      ...(a.status_reason ? { reason: a.status_reason } : {}),
      ts: now,
    });
  }
  for (const site of await store.sites.list()) {
    for (const d of await store.devices.forSite(site.id)) {
      if (d.status === 'unknown') continue;
      inputs.push({
        kind: 'device.status',
        device_id: d.id,
        site_id: d.site_id,
        status: d.status,
        previous: d.status,
        ...(d.status_error ? { error: d.status_error } : {}),
        ...(hasSnmp(d) ? {} : { via: 'checks' as const }),
        ts: now,
      });
    }
    for (const c of await store.cameras.forSite(site.id)) {
      if (c.status === 'unknown') continue;
      inputs.push({
        kind: 'camera.status',
        camera_id: c.id,
        site_id: c.site_id,
        status: c.status,
        previous: c.status,
        ...(c.status_reason ? { reason: c.status_reason } : {}),
        ts: now,
      });
    }
    for (const c of await store.checks.forSite(site.id)) {
      if (c.status !== 'up' && c.status !== 'down') continue;
      inputs.push({
        kind: 'check.status',
        check_id: c.id,
        device_id: c.device_id,
        site_id: c.site_id,
        name: c.name,
        check_kind: c.kind,
        status: c.status,
        previous: c.status,
        ...(c.status_error ? { error: c.status_error } : {}),
        ts: now,
      });
    }
  }
  return inputs;
}
