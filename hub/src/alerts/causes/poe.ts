import type { SeriesRepo } from '../../store/series.js';
import type { Point } from '../../store/timeseries/types.js';

/** How far around the camera going offline a PoE drop counts as its likely cause. */
export const POE_WINDOW_MS = 10 * 60_000;

/** The switch port that stopped powering a camera: what the camera and its alert show as the likely cause. */
export interface PoeCause {
  kind: 'poe';
  device_id: number;
  /** The port as POWER-ETHERNET-MIB labels it: `<group>.<port>`. */
  port: string;
  /** When the port was first seen not delivering power. */
  since: number;
  message: string;
}

/**
 * When the port stopped delivering power, if it did around `offlineAt`: `poe_port_delivering` went from 1 to 0
 * within POE_WINDOW_MS before or after it, and is still 0 in the last point read. Undefined otherwise (the port
 * delivers, was never seen delivering, or dropped long before the camera went away).
 */
export function poeDropAt(points: readonly Point[], offlineAt: number): number | undefined {
  const last = points.at(-1);
  if (!last || last.v !== 0) return undefined;
  let i = points.length - 1;
  while (i > 0 && points[i - 1]!.v === 0) i--;
  if (i === 0) return undefined; // never seen delivering in the range read
  const since = points[i]!.t;
  return Math.abs(since - offlineAt) <= POE_WINDOW_MS ? since : undefined;
}

export function poeMessage(port: string, switchName: string, since: number): string {
  return `PoE port ${port} of ${switchName} stopped delivering power at ${new Date(since).toISOString()}`;
}

/**
 * The likely cause of an offline camera hanging off `parentId` at PoE `port`: reads that port's
 * `poe_port_delivering` series around `offlineAt`.
 */
export async function poeCause(
  ts: Pick<SeriesRepo, 'listSeries' | 'read'>,
  camera: { parent_id: number | null; poe_port: string | null; offline_at: number },
  switchName: string,
  now: number,
): Promise<PoeCause | undefined> {
  if (camera.parent_id === null || !camera.poe_port) return undefined;
  const series = (await ts.listSeries('device', String(camera.parent_id), 'poe_port_delivering')).find(
    (s) => s.labels.poe_port === camera.poe_port,
  );
  if (!series) return undefined;
  const from = camera.offline_at - 6 * POE_WINDOW_MS;
  const since = poeDropAt(await ts.read(series.id, { from, to: now }), camera.offline_at);
  if (since === undefined) return undefined;
  return {
    kind: 'poe',
    device_id: camera.parent_id,
    port: camera.poe_port,
    since,
    message: poeMessage(camera.poe_port, switchName, since),
  };
}
