import type { HubEventMap } from '../events.js';
import { hasSnmp } from '../inventory/credentials.js';
import type { CheckRow } from '../store/checks.js';
import type { UnitOfWork } from '../store/port.js';

/** A `check_state` event as the agent sends it (protocol CheckStateEvent). */
export interface CheckStateInput {
  type: 'check_state';
  ts: number;
  check_id: number;
  device_id: number;
  kind: string;
  status: 'up' | 'down';
  error?: string;
  response_ms?: number;
  facts?: Record<string, string | number | boolean>;
}

export type CheckEmit =
  | ['check.status', HubEventMap['check.status']]
  | ['device.status', HubEventMap['device.status']];

/**
 * The status a device without SNMP gets from its enabled checks: online while one is up, unreachable when
 * all that have run are down, unknown before any ran. The error names the checks that are down.
 */
export function statusFromChecks(
  checks: readonly Pick<CheckRow, 'name' | 'status' | 'status_error' | 'enabled'>[],
): {
  status: 'online' | 'unreachable' | 'unknown';
  error: string | null;
} {
  const on = checks.filter((c) => c.enabled);
  if (on.some((c) => c.status === 'up')) return { status: 'online', error: null };
  const down = on.filter((c) => c.status === 'down');
  if (down.length === 0) return { status: 'unknown', error: null };
  const error = down
    .map((c) => `${c.name}: ${c.status_error ?? 'down'}`)
    .join('; ')
    .slice(0, 1024);
  return { status: 'unreachable', error };
}

/**
 * Stores one check run as the check's state. Only a change of status is kept as an event and announced
 * (`check.status`); a device without SNMP follows its checks (`device.status` with `via: 'checks'`).
 * Returns false when the report is refused: the check belongs to another device than the event says.
 */
export async function storeCheckState(
  tx: UnitOfWork,
  e: CheckStateInput,
  siteId: number,
  record: () => Promise<void>,
  emits: CheckEmit[],
): Promise<boolean> {
  const outcome = await tx.checks.recordRun({
    id: e.check_id,
    device_id: e.device_id,
    status: e.status,
    error: e.error ?? null,
    ts: e.ts,
    response_ms: e.response_ms ?? null,
    facts: e.facts ? JSON.stringify(e.facts) : null,
  });
  // A check deleted since the agent ran it: nothing to keep.
  if (!outcome) return true;
  if (outcome.device_id !== e.device_id) return false;
  if (!outcome.applied || outcome.previous === e.status) return true;
  await record();
  emits.push([
    'check.status',
    {
      check_id: e.check_id,
      device_id: e.device_id,
      site_id: siteId,
      name: outcome.name,
      check_kind: outcome.kind,
      status: e.status,
      previous: outcome.previous,
      ...(e.error ? { error: e.error } : {}),
      ts: e.ts,
    },
  ]);
  const device = await tx.devices.get(e.device_id);
  if (!device || hasSnmp(device)) return true;
  const next = statusFromChecks(await tx.checks.list({ device_id: e.device_id }));
  if (next.status === device.status && next.error === device.status_error) return true;
  await tx.devices.setState({ id: device.id, status: next.status, error: next.error, ts: e.ts });
  if (next.status !== device.status)
    emits.push([
      'device.status',
      {
        device_id: device.id,
        site_id: siteId,
        status: next.status,
        previous: device.status,
        ...(next.error ? { error: next.error } : {}),
        via: 'checks',
        ts: e.ts,
      },
    ]);
  return true;
}
