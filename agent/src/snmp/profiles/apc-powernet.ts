import type { Sample } from '@outpost/protocol';
import { asNumber } from '../values.js';
import { type Profile, push, sample, underAny } from './types.js';

// PowerNet-MIB (APC / Schneider Electric), the "ups" branch: 1.3.6.1.4.1.318.1.1.1.
const APC = '1.3.6.1.4.1.318.1.1.1';
export const APC_OIDS = {
  upsBasicOutputStatus: `${APC}.4.1.1.0`,
  upsBasicBatteryStatus: `${APC}.2.1.1.0`,
  upsBasicBatteryTimeOnBattery: `${APC}.2.1.2.0`,
  upsAdvBatteryCapacity: `${APC}.2.2.1.0`,
  upsAdvBatteryTemperature: `${APC}.2.2.2.0`,
  upsAdvBatteryRunTimeRemaining: `${APC}.2.2.3.0`,
  upsAdvBatteryReplaceIndicator: `${APC}.2.2.4.0`,
  upsAdvBatteryActualVoltage: `${APC}.2.2.8.0`,
  upsAdvInputLineVoltage: `${APC}.3.2.1.0`,
  upsAdvOutputVoltage: `${APC}.4.2.1.0`,
  upsAdvOutputLoad: `${APC}.4.2.3.0`,
} as const;
/** upsBasicOutputStatus: onBattery(3). */
const OUTPUT_ON_BATTERY = 3;
/** upsAdvBatteryReplaceIndicator: batteryNeedsReplacing(2). */
const NEEDS_REPLACING = 2;

/**
 * APC Smart-UPS and Symmetra through the Network Management Card's PowerNet-MIB (the card does not answer RFC
 * 1628 by default). Same metric names as `ups-mib`.
 */
export const apcPowernet: Profile = {
  name: 'apc-powernet',
  description:
    'APC PowerNet-MIB: on battery, charge, runtime left, load, input/output voltage, replace battery',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.318']),
  scalars: Object.values(APC_OIDS),
  collect({ scalars }, _prev, ctx) {
    const get = (k: keyof typeof APC_OIDS) => asNumber(scalars.get(APC_OIDS[k]));
    const samples: Sample[] = [];
    const output = get('upsBasicOutputStatus');
    const replace = get('upsAdvBatteryReplaceIndicator');
    // TimeTicks (hundredths of a second).
    const runtime = get('upsAdvBatteryRunTimeRemaining');
    const onBatteryTicks = get('upsBasicBatteryTimeOnBattery');
    push(
      samples,
      sample(ctx, 'ups_on_battery', output === undefined ? undefined : output === OUTPUT_ON_BATTERY ? 1 : 0),
      sample(ctx, 'ups_apc_output_status', output),
      // upsBasicBatteryStatus: unknown(1) normal(2) low(3) inFaultCondition(4), the scale of RFC 1628's.
      sample(ctx, 'ups_battery_status', get('upsBasicBatteryStatus')),
      sample(
        ctx,
        'ups_seconds_on_battery',
        onBatteryTicks === undefined ? undefined : onBatteryTicks / 100,
        's',
      ),
      sample(ctx, 'ups_battery_charge_percent', get('upsAdvBatteryCapacity'), 'percent'),
      sample(ctx, 'ups_runtime_s', runtime === undefined ? undefined : runtime / 100, 's'),
      sample(ctx, 'ups_battery_temperature_celsius', get('upsAdvBatteryTemperature'), 'celsius'),
      sample(ctx, 'ups_battery_voltage', get('upsAdvBatteryActualVoltage'), 'volts'),
      sample(
        ctx,
        'ups_battery_replace',
        replace === undefined ? undefined : replace === NEEDS_REPLACING ? 1 : 0,
      ),
      sample(ctx, 'ups_input_voltage', get('upsAdvInputLineVoltage'), 'volts', { line: '1' }),
      sample(ctx, 'ups_output_voltage', get('upsAdvOutputVoltage'), 'volts', { line: '1' }),
      sample(ctx, 'ups_load_percent', get('upsAdvOutputLoad'), 'percent'),
    );
    return { samples };
  },
};
