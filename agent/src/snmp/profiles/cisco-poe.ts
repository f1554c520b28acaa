import type { Sample } from '@outpost/protocol';
import { asNumber, byInstance } from '../values.js';
import { type Profile, push, sample, underAny } from './types.js';

// CISCO-POWER-ETHERNET-EXT-MIB cpeExtPsePortTable: it augments POWER-ETHERNET-MIB's port table (the same
// group.port index) with the power each port draws, which RFC 3621 does not carry. Both columns in milliwatts.
const CPE_PORT = '1.3.6.1.4.1.9.9.402.1.2.1';
export const CPE_COLUMNS = {
  /** cpeExtPsePortPwrMax: the most the port may deliver. */
  pwrMax: `${CPE_PORT}.6`,
  /** cpeExtPsePortPwrConsumption: what the powered device draws now. */
  pwrConsumption: `${CPE_PORT}.9`,
} as const;

const watts = (milliwatts: number | undefined) => (milliwatts === undefined ? undefined : milliwatts / 1000);

/** The power each PoE port of a Cisco switch draws, labelled `poe_port` as the power-ethernet profile's ports. */
export const ciscoPoe: Profile = {
  name: 'cisco-poe',
  description: 'CISCO-POWER-ETHERNET-EXT-MIB: power drawn by each PoE port, and its maximum',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.9']),
  walks: CPE_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const max = byInstance(walks.get('pwrMax'), CPE_COLUMNS.pwrMax);
    const samples: Sample[] = [];
    for (const [port, vb] of byInstance(walks.get('pwrConsumption'), CPE_COLUMNS.pwrConsumption)) {
      const labels = { poe_port: port };
      push(
        samples,
        sample(ctx, 'poe_port_power_watts', watts(asNumber(vb)), 'watts', labels),
        sample(ctx, 'poe_port_power_max_watts', watts(asNumber(max.get(port))), 'watts', labels),
      );
    }
    return { samples };
  },
};
