import type { DeviceConfig } from '@outpost/protocol';
import { defineTargetKind, type TargetKindFactory } from './types.js';

/**
 * Each SNMP device's LLDP, CDP, forwarding and ARP tables, every `intervals.topology_s` (0: off), as one
 * `topology` event. A silent device gives nothing here: its poll reports it.
 */
export const topologyTargets: TargetKindFactory = ({ poller, now, log }) =>
  defineTargetKind<DeviceConfig & { topology_ms: number }>({
    name: 'topology',
    targets: (config) =>
      poller?.tables && config.intervals.topology_s > 0
        ? config.devices.map((d) => ({ ...d, topology_ms: config.intervals.topology_s * 1000 }))
        : [],
    intervalMs: (d) => d.topology_ms,
    async run(d) {
      if (!poller?.tables) return null;
      const { readTopology } = await import('../../topology/index.js');
      try {
        const { topology_ms: _ms, ...device } = d;
        const facts = await readTopology({ tables: poller.tables.bind(poller) }, device);
        return { samples: [], events: [{ type: 'topology', ts: now(), device_id: d.id, ...facts }] };
      } catch (err) {
        log.debug({ device_id: d.id, err: String(err) }, 'topology not read');
        return null;
      }
    },
  });
