import type { Sample } from '@outpost/protocol';
import { asNumber, byInstance } from '../values.js';
import { type Profile, push, sample, underAny } from './types.js';

// UPS-MIB (RFC 1628).
const UPS = '1.3.6.1.2.1.33.1';
export const UPS_OIDS = {
  upsBatteryStatus: `${UPS}.2.1.0`,
  upsSecondsOnBattery: `${UPS}.2.2.0`,
  upsEstimatedMinutesRemaining: `${UPS}.2.3.0`,
  upsEstimatedChargeRemaining: `${UPS}.2.4.0`,
  upsBatteryVoltage: `${UPS}.2.5.0`,
  upsBatteryTemperature: `${UPS}.2.7.0`,
  upsOutputSource: `${UPS}.4.1.0`,
  upsAlarmsPresent: `${UPS}.6.1.0`,
} as const;
export const UPS_COLUMNS = {
  upsInputVoltage: `${UPS}.3.3.1.3`,
  upsOutputVoltage: `${UPS}.4.4.1.2`,
  upsOutputPercentLoad: `${UPS}.4.4.1.5`,
  upsAlarmDescr: `${UPS}.6.2.1.2`,
} as const;
/** upsAlarmBatteryBad: "one or more batteries have been determined to require replacement". */
const ALARM_BATTERY_BAD = `${UPS}.6.3.1`;
/** upsOutputSource: battery(5). */
const SOURCE_BATTERY = 5;

/** UPS makers whose cards implement RFC 1628 (APC's own MIB has its profile, `apc-powernet`). */
const UPS_VENDORS = [
  '1.3.6.1.2.1.33', // a generic UPS-MIB agent
  '1.3.6.1.4.1.534', // Eaton / Powerware
  '1.3.6.1.4.1.705', // MGE
  '1.3.6.1.4.1.3808', // CyberPower
  '1.3.6.1.4.1.476', // Vertiv / Liebert
  '1.3.6.1.4.1.935', // PPC / Voltronic
  '1.3.6.1.4.1.4555', // Socomec
  '1.3.6.1.4.1.5491', // Riello
  '1.3.6.1.4.1.850', // Tripp Lite
];

/**
 * Battery and power of a UPS: on battery, charge, runtime left, load, input and output voltage, and whether the
 * battery needs replacing. Metric names are shared with `apc-powernet`, so that one set of alert rules covers both.
 */
export const upsMib: Profile = {
  name: 'ups-mib',
  description:
    'UPS-MIB (RFC 1628): on battery, charge, runtime left, load, input/output voltage, battery alarms',
  applies: (oid) => underAny(oid, UPS_VENDORS),
  scalars: Object.values(UPS_OIDS),
  walks: UPS_COLUMNS,
  collect({ scalars, walks }, _prev, ctx) {
    const get = (k: keyof typeof UPS_OIDS) => asNumber(scalars.get(UPS_OIDS[k]));
    const samples: Sample[] = [];
    const source = get('upsOutputSource');
    const secondsOnBattery = get('upsSecondsOnBattery');
    if (source !== undefined || secondsOnBattery !== undefined)
      push(
        samples,
        sample(ctx, 'ups_on_battery', source === SOURCE_BATTERY || (secondsOnBattery ?? 0) > 0 ? 1 : 0),
      );
    const minutes = get('upsEstimatedMinutesRemaining');
    const voltage = get('upsBatteryVoltage');
    push(
      samples,
      sample(ctx, 'ups_output_source', source),
      sample(ctx, 'ups_battery_status', get('upsBatteryStatus')),
      sample(ctx, 'ups_seconds_on_battery', secondsOnBattery, 's'),
      sample(ctx, 'ups_battery_charge_percent', get('upsEstimatedChargeRemaining'), 'percent'),
      sample(ctx, 'ups_runtime_s', minutes === undefined ? undefined : minutes * 60, 's'),
      // upsBatteryVoltage is in 0.1 V DC.
      sample(ctx, 'ups_battery_voltage', voltage === undefined ? undefined : voltage / 10, 'volts'),
      sample(ctx, 'ups_battery_temperature_celsius', get('upsBatteryTemperature'), 'celsius'),
      sample(ctx, 'ups_alarms', get('upsAlarmsPresent')),
    );
    const lines = (name: keyof typeof UPS_COLUMNS, metric: string, unit: string) => {
      for (const [line, vb] of byInstance(walks.get(name), UPS_COLUMNS[name]))
        push(samples, sample(ctx, metric, asNumber(vb), unit, { line }));
    };
    lines('upsInputVoltage', 'ups_input_voltage', 'volts');
    lines('upsOutputVoltage', 'ups_output_voltage', 'volts');
    let load: number | undefined;
    for (const [, vb] of byInstance(walks.get('upsOutputPercentLoad'), UPS_COLUMNS.upsOutputPercentLoad)) {
      const v = asNumber(vb);
      if (v !== undefined) load = Math.max(load ?? 0, v);
    }
    push(samples, sample(ctx, 'ups_load_percent', load, 'percent'));
    // The alarm table lists alarm OIDs (upsAlarmDescr); batteryBad means "replace the battery".
    const alarms = walks.get('upsAlarmDescr');
    if (alarms !== undefined && get('upsAlarmsPresent') !== undefined) {
      const bad = alarms.some(
        (vb) => vb.value === ALARM_BATTERY_BAD || String(vb.value) === ALARM_BATTERY_BAD,
      );
      push(samples, sample(ctx, 'ups_battery_replace', bad ? 1 : 0));
    }
    return { samples };
  },
};
