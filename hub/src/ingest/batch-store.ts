import type { AgentEvent, BatchMessage, KnownEvent, Sample } from '@outpost/protocol';
import type { HubEventMap } from '../events.js';
import type { UnitOfWork } from '../store/port.js';
import { batchTargets, stageSamples } from './batch-samples.js';
import { type CheckEmit, type CheckStateInput, storeCheckState } from './check-state.js';
import { decide, type LedgerDecision } from './ledger.js';

type Emit = { [K in keyof HubEventMap]: [K, HubEventMap[K]] }[keyof HubEventMap];

export interface Stored {
  /** What the ledger decided: a duplicate is acknowledged again and stores nothing. */
  decision: LedgerDecision;
  /** Events to emit once the unit of work has committed. */
  emits: Emit[];
  accepted: Sample[];
  refused: number;
}

export interface BatchArrival {
  agentId: string;
  siteId: number;
  batch: BatchMessage;
  now: number;
  /** When the agent's current connection opened (the ledger counts a gap's wait from it). */
  connectedAt: number;
  lostAfterMs: number;
}

/**
 * Stores one batch through a unit of work: its seq as the ledger decides (ingest/ledger.ts; idempotent on
 * agent + seq), its samples (staged in the unit's `samples`), device and camera state, events. Items about a
 * device or camera that is not of the agent's site are refused and counted.
 */
export async function storeBatch(tx: UnitOfWork, a: BatchArrival): Promise<Stored> {
  const { agentId, siteId, batch, now } = a;
  const emits: Emit[] = [];

  const seen = await tx.ledger.observe(agentId, batch.seq);
  const decision = decide(seen.state, {
    seq: batch.seq,
    stored: seen.stored,
    below: seen.below,
    now,
    connectedAt: a.connectedAt,
    lostAfterMs: a.lostAfterMs,
  });
  if (decision.verdict === 'duplicate') return { decision, emits, accepted: [], refused: 0 };
  // A later seq of this agent is stored already (a re-sent batch filling a gap, or batches in flight handled
  // by two hubs in the other order): its device, camera and check states are older than those applied, so
  // they change nothing; its samples and other events are stored as usual.
  const stale = seen.state.upTo > batch.seq || seen.state.ahead.some((s) => s > batch.seq);
  await tx.ledger.record(agentId, {
    seq: batch.seq,
    received_at: now,
    samples: batch.samples.length,
    events: batch.events.length,
    ...(decision.advanced ? { upTo: decision.upTo } : {}),
    ...(decision.gap ? { gap: decision.gap } : {}),
    lost: decision.lost.map((g) => g.id),
    filled: decision.filled.map((g) => g.id),
  });

  // Which site each device and camera named in the batch belongs to: read once, then checked per item.
  const deviceSite = new Map<number, number | undefined>();
  const cameraSite = new Map<number, number | undefined>();
  const targets = batchTargets(batch);
  for (const item of batch.events as { device_id?: number; camera_id?: number }[]) {
    if (item.device_id !== undefined) targets.devices.add(item.device_id);
    if (item.camera_id !== undefined) targets.cameras.add(item.camera_id);
  }
  for (const id of targets.devices) deviceSite.set(id, await tx.devices.siteOf(id));
  for (const id of targets.cameras) cameraSite.set(id, await tx.cameras.siteOf(id));
  const ownDevice = (id: number) => deviceSite.get(id) === siteId;
  const ownCamera = (id: number) => cameraSite.get(id) === siteId;
  // A trap whose sender the agent does not poll (a device without SNMP, a door controller) is put on the
  // site's device at that address, so that it shows on the device page and its rules know the device.
  let byAddress: Map<string, number> | undefined;
  const deviceAt = async (address: string | undefined) => {
    if (!address) return undefined;
    byAddress ??= new Map((await tx.devices.forSite(siteId)).map((d) => [d.ip_address, d.id]));
    const id = byAddress.get(address);
    if (id !== undefined) deviceSite.set(id, siteId);
    return id;
  };

  // The samples are staged without awaiting (no promise per sample).
  const staged = stageSamples(tx.samples, batch, agentId, siteId, { device: deviceSite, camera: cameraSite });
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
    if (stale && (e.type === 'device_state' || e.type === 'camera_state' || e.type === 'check_state'))
      continue;
    if (e.type === 'device_state') {
      if (!ownDevice(e.device_id)) {
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
      if (!ownCamera(e.camera_id)) {
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
        ownDevice(c.device_id) &&
        (await storeCheckState(tx, c, siteId, () => record(e, c.device_id, null), emits as CheckEmit[]));
      if (!stored) refused++;
    } else {
      let o = ev as AgentEvent & { device_id?: number; camera_id?: number; source?: string };
      if (e.type === 'snmp_trap' && o.device_id === undefined) {
        const found = await deviceAt(o.source);
        if (found !== undefined) o = { ...o, device_id: found };
      }
      if (
        (o.device_id !== undefined && !ownDevice(o.device_id)) ||
        (o.camera_id !== undefined && !ownCamera(o.camera_id))
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
  return { decision, emits, accepted, refused };
}
