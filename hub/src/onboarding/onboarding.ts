import type { HubContext } from '../context.js';
import { type DiscoveredCamera, type DiscoveredDevice, DiscoveryService } from '../discovery/service.js';
import { snmpSettingsOf } from '../inventory/credential-sets.js';
import { type JobDispatcher, JobError } from '../link/jobs.js';
import { siteNetworks } from '../net/site-networks.js';
import { Refusal } from '../refusal.js';
import { TopologyService } from '../topology/service.js';

const refused = (message: string) => new Refusal('unprocessable', 'unprocessable', message);

/** Discovery and topology of one hub: what the onboarding routes and the schedule runner use. */
export interface Onboarding {
  discovery: DiscoveryService;
  topology: TopologyService;
}

/**
 * Builds discovery and topology on the hub's store, events and the link's jobs. Without jobs (a hub that serves
 * the API alone) everything works but starting a sweep.
 */
export function createOnboarding(
  ctx: HubContext,
  opts: { jobs?: Pick<JobDispatcher, 'create'>; debounceMs?: number } = {},
): Onboarding {
  const { jobs } = opts;
  const store = ctx.store;
  const logger = ctx.logger.child({ component: 'onboarding' });
  const discovery = new DiscoveryService({
    store,
    maxPrefix: () => ctx.config.discoveryMaxPrefix,
    networks: () => siteNetworks(ctx.config),
    async inventory(siteId) {
      const [devices, cameras] = await Promise.all([
        store.devices.forSite(siteId),
        store.cameras.forSite(siteId),
      ]);
      return {
        devices: devices.map((d) => ({
          id: d.id,
          name: d.name,
          ip_address: d.ip_address,
          mac_address: d.mac_address,
          sys_name: d.sys_name,
          sys_object_id: d.sys_object_id,
        })),
        cameras: cameras.map((c) => ({
          id: c.id,
          name: c.name,
          ip_address: c.ip_address,
          mac_address: c.mac_address,
        })),
      };
    },
    async createJob(j) {
      if (!jobs) throw refused('the agent link is not running');
      try {
        return await jobs.create({ type: 'discover', target_kind: 'site', target_id: j.site_id, ...j });
      } catch (err) {
        if (err instanceof JobError) throw refused(err.message);
        throw err;
      }
    },
    createInventory: (siteId, devices, cameras, userId) =>
      createInventory(ctx, siteId, devices, cameras, userId),
    clock: ctx.clock,
    logger,
    changed: (siteId) => ctx.events.emit('topology.changed', { site_id: siteId, what: 'discovered' }),
  });
  const topology = new TopologyService({
    store,
    async inventory(siteId) {
      const [devices, cameras] = await Promise.all([
        store.devices.forSite(siteId),
        store.cameras.forSite(siteId),
      ]);
      return {
        devices: devices.map((d) => ({
          id: d.id,
          name: d.name,
          ip_address: d.ip_address,
          mac_address: d.mac_address,
          sys_name: d.sys_name,
          device_type: d.device_type,
          status: d.status,
          parent_id: d.parent_id,
        })),
        cameras: cameras.map((c) => ({
          id: c.id,
          name: c.name,
          ip_address: c.ip_address,
          mac_address: c.mac_address,
          status: c.status,
          parent_id: c.parent_id,
        })),
      };
    },
    async openAlerts(siteId) {
      const out = new Map<string, number>();
      for (const a of await store.alerts.open()) {
        if (a.site_id !== siteId) continue;
        const key =
          a.device_id !== null
            ? `device:${a.device_id}`
            : a.camera_id !== null
              ? `camera:${a.camera_id}`
              : undefined;
        if (key) out.set(key, (out.get(key) ?? 0) + 1);
      }
      return out;
    },
    parentsChanged: (siteId) => ctx.events.emit('dependencies.changed', { site_id: siteId }),
    changed: (siteId) => ctx.events.emit('topology.changed', { site_id: siteId, what: 'map' }),
    clock: ctx.clock,
    logger,
    ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
  });
  return { discovery, topology };
}

/**
 * Creates accepted hosts in one transaction: devices reference the SNMP credential that answered (its
 * settings, never a copy of its secret), cameras the camera login that worked when one did.
 */
async function createInventory(
  ctx: HubContext,
  siteId: number,
  devices: readonly DiscoveredDevice[],
  cameras: readonly DiscoveredCamera[],
  _userId: number | null,
): Promise<{ devices: number[]; cameras: number[] }> {
  const now = ctx.clock();
  const made = await ctx.store.unit(async (tx) => {
    const out = { devices: [] as number[], cameras: [] as number[] };
    for (const d of devices) {
      const entry = await tx.credentials.entry(d.credential_id);
      if (!entry || entry.kind !== 'snmp')
        throw refused(`credential ${d.credential_id} of ${d.ip_address} no longer exists: discover again`);
      const row = await tx.devices.insert(
        {
          name: d.name,
          ip_address: d.ip_address,
          site_id: siteId,
          parent_id: null,
          vendor: d.vendor,
          mac_address: d.mac_address,
          device_type: d.device_type,
          snmp_json: JSON.stringify(snmpSettingsOf(entry, { port: d.snmp_port })),
          snmp_secret: null,
          poll_interval_s: 60,
          profile: d.profile,
          meta: JSON.stringify(d.sys_name ? { discovered_sys_name: d.sys_name } : {}),
          credential_id: d.credential_id,
        },
        now,
      );
      out.devices.push(row.id);
    }
    for (const c of cameras) {
      const entry = c.credential_id !== null ? await tx.credentials.entry(c.credential_id) : undefined;
      const row = await tx.cameras.insert(
        {
          name: c.name,
          ip_address: c.ip_address,
          rtsp_url: c.rtsp_url,
          username: null,
          password_secret: null,
          location: null,
          site_id: siteId,
          meta: '{}',
          mac_address: c.mac_address,
          credential_id: entry?.kind === 'camera' ? entry.id : null,
        },
        now,
      );
      out.cameras.push(row.id);
    }
    return out;
  });
  for (const id of made.devices)
    ctx.events.emit('inventory.changed', { site_id: siteId, kind: 'device', id, change: 'created' });
  for (const id of made.cameras)
    ctx.events.emit('inventory.changed', { site_id: siteId, kind: 'camera', id, change: 'created' });
  return made;
}
