import {
  type BatchColumns,
  type BatchMessage,
  columnsOf,
  type Sample,
  type SeriesTable,
  TARGET_CAMERA,
  TARGET_DEVICE,
} from '@outpost/protocol';
import type { SampleSink } from '../store/series.js';

/** The site of each device and camera a batch names (undefined: no such target). */
export interface TargetSites {
  device: ReadonlyMap<number, number | undefined>;
  camera: ReadonlyMap<number, number | undefined>;
}

export interface StagedSamples {
  /** The samples staged, in batch order (the batch's own array when none was refused). */
  accepted: Sample[];
  refused: number;
}

/** Ids of a series table, kept on the table (`memo`) while the writer's ids token is the one they were got under. */
interface TableIds {
  token: object;
  /** Per series of the table; 0 until resolved (series ids start at 1). */
  ids: Float64Array;
}

/** The devices and cameras a batch names: from its series table when it has one, else from its samples. */
export function batchTargets(batch: BatchMessage): { devices: Set<number>; cameras: Set<number> } {
  const devices = new Set<number>();
  const cameras = new Set<number>();
  const cols = columnsOf(batch);
  if (cols) {
    for (const s of cols.table.series) {
      if (s.target === TARGET_DEVICE) devices.add(s.id);
      else if (s.target === TARGET_CAMERA) cameras.add(s.id);
    }
  } else {
    for (const s of batch.samples) {
      if (s.device_id !== undefined) devices.add(s.device_id);
      else if (s.camera_id !== undefined) cameras.add(s.camera_id);
    }
  }
  return { devices, cameras };
}

/**
 * Stages a batch's samples in the writer. Samples of a device or camera that is not of the agent's site are
 * refused. A compact batch is staged from its columns: each series of its table is resolved once, and its ids
 * are kept on the table for the agent's next batch with the same table (until the writer's ids token changes).
 */
export function stageSamples(
  writer: SampleSink,
  batch: BatchMessage,
  agentId: string,
  siteId: number,
  sites: TargetSites,
): StagedSamples {
  const cols = columnsOf(batch);
  return cols
    ? stageColumns(writer, batch, cols, agentId, siteId, sites)
    : stageObjects(writer, batch, agentId, siteId, sites);
}

function stageObjects(
  writer: SampleSink,
  batch: BatchMessage,
  agentId: string,
  siteId: number,
  sites: TargetSites,
): StagedSamples {
  const accepted: Sample[] = [];
  let refused = 0;
  for (const s of batch.samples) {
    let id: number;
    if (s.device_id !== undefined) {
      if (sites.device.get(s.device_id) !== siteId) {
        refused++;
        continue;
      }
      id = writer.seriesOf('device', s.device_id, s.metric, s.labels, s.unit, siteId);
    } else if (s.camera_id !== undefined) {
      if (sites.camera.get(s.camera_id) !== siteId) {
        refused++;
        continue;
      }
      id = writer.seriesOf('camera', s.camera_id, s.metric, s.labels, s.unit, siteId);
    } else {
      id = writer.seriesOf('agent', agentId, s.metric, s.labels, s.unit, siteId);
    }
    writer.add(id, s.ts, s.value);
    accepted.push(s);
  }
  return { accepted, refused };
}

function tableIds(table: SeriesTable, writer: SampleSink): Float64Array {
  const token = writer.idsToken;
  const memo = table.memo as TableIds | undefined;
  if (memo !== undefined && memo.token === token) return memo.ids;
  const ids = new Float64Array(table.series.length);
  table.memo = { token, ids } satisfies TableIds;
  return ids;
}

function stageColumns(
  writer: SampleSink,
  batch: BatchMessage,
  cols: BatchColumns,
  agentId: string,
  siteId: number,
  sites: TargetSites,
): StagedSamples {
  const { table, seriesOf, ts, values } = cols;
  const list = table.series;
  // Per batch, never kept: a device may have moved to another site since the last batch.
  const allowed = new Uint8Array(list.length);
  let allAllowed = true;
  for (let j = 0; j < list.length; j++) {
    const s = list[j]!;
    const ok =
      s.target === TARGET_DEVICE
        ? sites.device.get(s.id) === siteId
        : s.target === TARGET_CAMERA
          ? sites.camera.get(s.id) === siteId
          : true;
    allowed[j] = ok ? 1 : 0;
    if (!ok) allAllowed = false;
  }
  const ids = tableIds(table, writer);
  const samples = batch.samples;
  const accepted: Sample[] = allAllowed ? samples : [];
  let refused = 0;
  for (let i = 0; i < seriesOf.length; i++) {
    const j = seriesOf[i]!;
    if (allowed[j] === 0) {
      refused++;
      continue;
    }
    let id = ids[j]!;
    if (id === 0) {
      const s = list[j]!;
      const kind = s.target === TARGET_DEVICE ? 'device' : s.target === TARGET_CAMERA ? 'camera' : 'agent';
      id = writer.seriesOf(kind, kind === 'agent' ? agentId : s.id, s.metric, s.labels, s.unit, siteId);
      ids[j] = id;
    }
    writer.add(id, ts[i]!, values[i]!);
    if (!allAllowed) accepted.push(samples[i]!);
  }
  return { accepted, refused };
}
