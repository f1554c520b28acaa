import type { DeviceConfig, SnmpCredentials } from '@outpost/protocol';
import { siteCommunities } from '../../snmp/site-communities.js';
import { defineTargetKind, eventStatus, type TargetKindFactory } from './types.js';

/** SNMP devices, polled by the SNMP poller every `poll_interval_s`. */
export const deviceTargets: TargetKindFactory = ({ poller }) => {
  // The applied config's communities, tried on a device that times out (kept apart from the targets, so that
  // a change to another device's community does not reset this device's counters).
  let site: readonly SnmpCredentials[] = [];
  const context = { siteCredentials: () => site };
  return defineTargetKind<DeviceConfig>({
    name: 'device',
    // Site-wide custom OIDs travel with each device (its own entries of the same name win).
    targets: (config) => {
      if (!poller) return [];
      site = siteCommunities(config);
      return (config.custom_oids ?? []).length === 0
        ? config.devices
        : config.devices.map((d) => ({
            ...d,
            custom_oids: [...(d.custom_oids ?? []), ...config.custom_oids],
          }));
    },
    intervalMs: (d) => d.poll_interval_s * 1000,
    async run(d) {
      if (!poller) throw new Error('SNMP polling is not available on this agent');
      return poller.poll(d, context);
    },
    tracked: {
      list: 'devices',
      describe: (d) => ({
        id: d.id,
        name: d.name,
        address: `${d.ip_address}:${d.port}`,
        interval_s: d.poll_interval_s,
      }),
      status: (o) => eventStatus(o, 'device_state', (e) => (e.sys as { name?: string } | undefined)?.name),
    },
    forget: (id) => poller?.forget(id),
    close: () => poller?.close(),
    unavailable: (config) =>
      !poller && config.devices.length > 0
        ? `${config.devices.length} devices configured but SNMP polling is not available`
        : null,
  });
};
