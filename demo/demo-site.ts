import type { SimulatedDevice } from './sim/index.js';

type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

interface DeviceRow {
  id: number;
  name: string;
}

/**
 * Registers (or, after a restart, updates: the simulated ports and communities change each run) the
 * simulated devices in `siteId` through the API. Returns the device ids in the order given.
 */
export async function registerDevices(
  api: Api,
  siteId: number,
  devices: readonly SimulatedDevice[],
  pollIntervalS: number,
): Promise<number[]> {
  const existing = await api<{ devices: DeviceRow[] }>('GET', `/devices?site_id=${siteId}&per_page=500`);
  const byName = new Map(existing.devices.map((d) => [d.name, d.id]));
  const ids: number[] = [];
  for (const d of devices) {
    const body = {
      name: d.name,
      ip_address: d.host,
      site_id: siteId,
      device_type: d.kind,
      vendor: d.vendor,
      poll_interval_s: pollIntervalS,
      snmp: { version: '2c', port: d.port, community: d.community, timeout_ms: 1000, retries: 1 },
      meta: { simulated: true },
    };
    const id = byName.get(d.name);
    if (id) {
      await api('PUT', `/devices/${id}`, body);
      ids.push(id);
    } else {
      ids.push((await api<DeviceRow>('POST', '/devices', body)).id);
    }
  }
  return ids;
}

/** How often the demo camera is probed and snapshotted (camera meta keys read by the site config). */
export const DEMO_CAMERA_META = { probe_interval_s: 30, snapshot_interval_s: 60 };

/** Registers (or updates) a camera named `name` with `rtspUrl` in `siteId`. */
export async function registerCamera(
  api: Api,
  siteId: number,
  name: string,
  rtspUrl: string,
  meta: Record<string, unknown> = DEMO_CAMERA_META,
): Promise<number> {
  const existing = await api<{ cameras: DeviceRow[] }>('GET', `/cameras?site_id=${siteId}&per_page=500`);
  const found = existing.cameras.find((c) => c.name === name);
  const body = { name, rtsp_url: rtspUrl, site_id: siteId, location: 'Simulated entrance', meta };
  if (found) {
    await api('PUT', `/cameras/${found.id}`, body);
    return found.id;
  }
  return (await api<DeviceRow>('POST', '/cameras', body)).id;
}
