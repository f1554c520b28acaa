import type { Sample } from '@outpost/protocol';
import { asNumber, byInstance } from '../values.js';
import { type Profile, push, sample, underAny } from './types.js';

// POWER-ETHERNET-MIB (RFC 3621).
const PETH = '1.3.6.1.2.1.105.1';
export const PETH_COLUMNS = {
  portAdminEnable: `${PETH}.1.1.3`,
  portDetectionStatus: `${PETH}.1.1.6`,
  portPowerClassification: `${PETH}.1.1.10`,
  mainPower: `${PETH}.3.1.1.2`,
  mainOperStatus: `${PETH}.3.1.1.3`,
  mainConsumption: `${PETH}.3.1.1.4`,
} as const;
/** pethPsePortDetectionStatus: deliveringPower(3). */
const DELIVERING = 3;

/** Switches with PoE that fill RFC 3621: Cisco, HPE/Aruba, Juniper, Netgear, TP-Link, Ubiquiti, D-Link, Zyxel. */
const VENDORS = [
  '1.3.6.1.4.1.9',
  '1.3.6.1.4.1.11',
  '1.3.6.1.4.1.47196',
  '1.3.6.1.4.1.2636',
  '1.3.6.1.4.1.4526',
  '1.3.6.1.4.1.11863',
  '1.3.6.1.4.1.41112',
  '1.3.6.1.4.1.4413',
  '1.3.6.1.4.1.171',
  '1.3.6.1.4.1.890',
];

/**
 * The PoE budget per power source equipment (PSE: a switch, or a member of a stack) and each port's state. A
 * port is labelled `poe_port` = `<group>.<port>` as the MIB indexes it (for most switches the group is the stack
 * member or slot and the port its number).
 */
export const powerEthernet: Profile = {
  name: 'power-ethernet',
  description: 'POWER-ETHERNET-MIB: PoE budget and consumption per PSE, per-port detection status and class',
  applies: (oid) => underAny(oid, VENDORS),
  walks: PETH_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (k: keyof typeof PETH_COLUMNS) => byInstance(walks.get(k), PETH_COLUMNS[k]);
    const samples: Sample[] = [];
    const consumption = col('mainConsumption');
    const status = col('mainOperStatus');
    for (const [pse, vb] of col('mainPower')) {
      const budget = asNumber(vb);
      const used = asNumber(consumption.get(pse));
      const labels = { pse };
      push(
        samples,
        sample(ctx, 'poe_budget_watts', budget, 'watts', labels),
        sample(ctx, 'poe_consumption_watts', used, 'watts', labels),
        // pethMainPseOperStatus: on(1) off(2) faulty(3).
        sample(ctx, 'poe_pse_status', asNumber(status.get(pse)), undefined, labels),
      );
      if (budget && used !== undefined)
        push(
          samples,
          sample(ctx, 'poe_used_percent', Math.min(100, (used / budget) * 100), 'percent', labels),
        );
    }
    const enabled = col('portAdminEnable');
    const classes = col('portPowerClassification');
    for (const [port, vb] of col('portDetectionStatus')) {
      // A port whose PoE is administratively off says nothing about a device behind it.
      if (asNumber(enabled.get(port)) === 2) continue;
      const detection = asNumber(vb);
      const labels = { poe_port: port };
      push(
        samples,
        // disabled(1) searching(2) deliveringPower(3) fault(4) test(5) otherFault(6)
        sample(ctx, 'poe_port_status', detection, undefined, labels),
        sample(
          ctx,
          'poe_port_delivering',
          detection === undefined ? undefined : detection === DELIVERING ? 1 : 0,
          undefined,
          labels,
        ),
        sample(
          ctx,
          'poe_port_class',
          detection === DELIVERING ? asNumber(classes.get(port)) : undefined,
          undefined,
          labels,
        ),
      );
    }
    return { samples };
  },
};
