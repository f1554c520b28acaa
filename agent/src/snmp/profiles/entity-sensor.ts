import type { Sample } from '@outpost/protocol';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// ENTITY-SENSOR-MIB (RFC 3433) entPhySensorTable, named by ENTITY-MIB (RFC 6933) entPhysicalName/Descr.
const SENSOR = '1.3.6.1.2.1.99.1.1.1';
const PHYSICAL = '1.3.6.1.2.1.47.1.1.1.1';
export const SENSOR_COLUMNS = {
  type: `${SENSOR}.1`,
  scale: `${SENSOR}.2`,
  precision: `${SENSOR}.3`,
  value: `${SENSOR}.4`,
  operStatus: `${SENSOR}.5`,
  physicalDescr: `${PHYSICAL}.2`,
  physicalName: `${PHYSICAL}.7`,
} as const;

/** EntitySensorDataType -> metric and unit. */
const TYPES: Record<number, [string, string]> = {
  3: ['voltage_volts', 'volts'], // voltsAC
  4: ['voltage_volts', 'volts'], // voltsDC
  5: ['current_amperes', 'amperes'],
  6: ['power_watts', 'watts'],
  8: ['temperature_celsius', 'celsius'],
  9: ['humidity_percent', 'percent'],
  10: ['fan_rpm', 'rpm'],
};

/** EntitySensorDataScale: yocto(1) ... units(9) ... yotta(17), powers of 1000 around units. */
export function scaleFactor(scale: number | undefined): number {
  return scale === undefined || scale < 1 || scale > 17 ? 1 : 1000 ** (scale - 9);
}

/** EntitySensorStatus ok(1) unavailable(2) nonoperational(3) on the envmon scale: normal, not present, not functioning. */
const STATUS: Record<number, number> = { 1: 1, 2: 5, 3: 6 };

/** Switches and routers that fill ENTITY-SENSOR-MIB: Cisco (IOS-XE, NX-OS), Arista, Juniper, HPE/Aruba, H3C, Huawei. */
const VENDORS = [
  '1.3.6.1.4.1.9',
  '1.3.6.1.4.1.30065',
  '1.3.6.1.4.1.2636',
  '1.3.6.1.4.1.11',
  '1.3.6.1.4.1.47196',
  '1.3.6.1.4.1.25506',
  '1.3.6.1.4.1.2011',
];

/** Temperatures, fan speeds, voltages, currents, power and humidity from the standard sensor table. */
export const entitySensor: Profile = {
  name: 'entity-sensor',
  description:
    'ENTITY-SENSOR-MIB: temperatures, fan speeds, voltages, currents, power and humidity with their status',
  applies: (oid) => underAny(oid, VENDORS),
  walks: SENSOR_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (k: keyof typeof SENSOR_COLUMNS) => byInstance(walks.get(k), SENSOR_COLUMNS[k]);
    const types = col('type');
    const scales = col('scale');
    const precisions = col('precision');
    const status = col('operStatus');
    const names = col('physicalName');
    const descrs = col('physicalDescr');
    const samples: Sample[] = [];
    for (const [idx, vb] of col('value')) {
      const kind = TYPES[asNumber(types.get(idx)) ?? 0];
      const raw = asNumber(vb);
      const sensor = labelText(
        asText(names.get(idx))?.trim() || asText(descrs.get(idx))?.trim() || `#${idx}`,
      );
      const st = asNumber(status.get(idx));
      if (st !== undefined)
        push(samples, sample(ctx, 'sensor_state', STATUS[st] ?? st, undefined, { sensor }));
      // A sensor that is not ok has no meaningful value (RFC 3433: the value is then unspecified).
      if (!kind || raw === undefined || (st !== undefined && st !== 1)) continue;
      const precision = asNumber(precisions.get(idx)) ?? 0;
      const value =
        raw * scaleFactor(asNumber(scales.get(idx))) * 10 ** -Math.max(-8, Math.min(9, precision));
      push(samples, sample(ctx, kind[0], Math.round(value * 1e6) / 1e6, kind[1], { sensor }));
    }
    return { samples };
  },
};
