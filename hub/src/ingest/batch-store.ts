import type { AgentEvent, BatchMessage, KnownEvent, Sample } from '@outpost/protocol';
import type { HubEventMap } from '../events.js';
import type { Link } from '../link/link.js';
import type { SeqOutcome } from '../store/batches.js';
import type { UnitOfWork } from '../store/port.js';
import type { SampleWriter } from '../store/timeseries/types.js';
import { batchTargets, stageSamples } from './batch-samples.js';
import { type CheckEmit, type CheckStateInput, storeCheckState } from './check-state.js';

type Emit = { [K in keyof HubEventMap]: [K, HubEventMap[K]] }[keyof HubEventMap];

export interface Stored {
  outcome: SeqOutcome;
  emits: Emit[];
  accepted: Sample[];
  refused: number;
}

/**
 * Stores one batch in one transaction: its seq (idempotent on agent + seq), samples (staged in `samples`,
 * the unit of work's time-series writer), device and camera state, events. Items about a device or camera
 * that is not of the agent's site are refused and counted.
 */
export async function storeBatch(
  link: Link,
  tx: UnitOfWork,
  samples: SampleWriter,
  agentId: string,
  siteId: number,
  batch: BatchMessage,
  now: number,
): Promise<Stored> {
  const emits: Emit[] = [];
  const deviceSite = new Map<number, number | undefined>();
  const cameraSite = new Map<number, number | undefined>();
  const ownDevice = async (id: number) => {
    if (!deviceSite.has(id)) deviceSite.set(id, await tx.devices.siteOf(id));
    return deviceSite.get(id) === siteId;
  };
  // A trap whose sender the agent does not poll (a device without SNMP, a door controller) is put on the
  // site's device at that address, so that it shows on the device page and its rules know the device.
  let byAddress: Map<string, number> | undefined;
  const deviceAt = async (address: string | undefined) => {
    if (!address) return undefined;
    byAddress ??= new Map((await tx.devices.forSite(siteId)).map((d) => [d.ip_address, d.id]));
    return byAddress.get(address);
  };
  const ownCamera = async (id: number) => {
    if (!cameraSite.has(id)) cameraSite.set(id, await tx.cameras.siteOf(id));
    return cameraSite.get(id) === siteId;
  };

  const outcome = link.batches.record(
    agentId,
    batch.seq,
    { samples: batch.samples.length, events: batch.events.length },
    { now, connectedAt: link.presence.connectedAt(agentId), lostAfterMs: link.options.lostGapAfterMs },
  );
  if (outcome.duplicate) return { outcome, emits, accepted: [], refused: 0 };

  // Each target's site is read once; the samples are then staged without awaiting (no promise per sample).
  const targets = batchTargets(batch);
  for (const id of targets.devices) await ownDevice(id);
  for (const id of targets.cameras) await ownCamera(id);
  const staged = stageSamples(samples, batch, agentId, siteId, { device: deviceSite, camera: cameraSite });
  const accepted = staged.accepted;
  let refused = staged.refused;

  const record = (e: AgentEvent, device_id: number | null, camera_id: number | null) => {
    const { type, ts, ...data } = e as AgentEvent & Record<string, unknown>;
    return tx.agentEvents.insert({
      agent_id: agentId,
      site_id: siteId,
      ts,
      type,
      device_id,
      camera_id,
      data,
      received_at: now,
    });
  };
  for (const ev of batch.events) {
    const e = ev as KnownEvent;
    if (e.type === 'device_state') {
      if (!(await ownDevice(e.device_id))) {
        refused++;
        continue;
      }
      const before = await tx.devices.state(e.device_id);
      if (!before) continue;
      const sys = e.sys;
      await tx.devices.setState({ id: e.device_id, status: e.status, error: e.error ?? null, ts: e.ts, sys });
      if (before.status !== e.status) {
        await record(e, e.device_id, null);
        emits.push([
          'device.status',
          {
            device_id: e.device_id,
            site_id: siteId,
            status: e.status,
            previous: before.status,
            ...(e.error ? { error: e.error } : {}),
            ts: e.ts,
          },
        ]);
      }
      const uptime = sys?.uptime_s;
      if (uptime !== undefined && before.uptime_s !== null && uptime < before.uptime_s) {
        emits.push([
          'device.rebooted',
          {
            device_id: e.device_id,
            site_id: siteId,
            uptime_s: uptime,
            previous_uptime_s: before.uptime_s,
            ts: e.ts,
          },
        ]);
      }
    } else if (e.type === 'camera_state') {
      if (!(await ownCamera(e.camera_id))) {
        refused++;
        continue;
      }
      const before = await tx.cameras.state(e.camera_id);
      if (!before) continue;
      const stream = e.stream;
      const reason = e.reason ?? null;
      await tx.cameras.setState({ id: e.camera_id, status: e.status, reason, ts: e.ts, stream });
      if (before.status !== e.status) {
        await record(e, null, e.camera_id);
        emits.push([
          'camera.status',
          {
            camera_id: e.camera_id,
            site_id: siteId,
            status: e.status,
            previous: before.status,
            ...(reason ? { reason } : {}),
            ts: e.ts,
          },
        ]);
      }
    } else if (e.type === 'check_state') {
      const c = e as CheckStateInput;
      const stored =
        (await ownDevice(c.device_id)) &&
        (await storeCheckState(tx, c, siteId, () => record(e, c.device_id, null), emits as CheckEmit[]));
      if (!stored) refused++;
    } else {
      let o = ev as AgentEvent & { device_id?: number; camera_id?: number; source?: string };
      if (e.type === 'snmp_trap' && o.device_id === undefined) {
        const found = await deviceAt(o.source);
        if (found !== undefined) o = { ...o, device_id: found };
      }
      if (
        (o.device_id !== undefined && !(await ownDevice(o.device_id))) ||
        (o.camera_id !== undefined && !(await ownCamera(o.camera_id)))
      ) {
        refused++;
        continue;
      }
      // Topology facts and the agent's network are state, kept by the topology service, not history.
      if (o.type !== 'topology' && o.type !== 'agent_network')
        await record(o, o.device_id ?? null, o.camera_id ?? null);
      emits.push(['agent.event', { agent_id: agentId, site_id: siteId, event: o }]);
    }
  }
  await tx.agents.touch(agentId, now);
  await tx.agents.addRefusedItems(agentId, refused);
  return { outcome, emits, accepted, refused };
}
