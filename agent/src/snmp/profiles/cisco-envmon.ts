import type { Sample } from '@outpost/protocol';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// CISCO-ENVMON-MIB: ciscoEnvMonObjects 1.3.6.1.4.1.9.9.13.1.
const ENV = '1.3.6.1.4.1.9.9.13.1';
export const ENVMON_COLUMNS = {
  tempDescr: `${ENV}.3.1.2`,
  tempValue: `${ENV}.3.1.3`,
  tempState: `${ENV}.3.1.6`,
  fanDescr: `${ENV}.4.1.2`,
  fanState: `${ENV}.4.1.3`,
  supplyDescr: `${ENV}.5.1.2`,
  supplyState: `${ENV}.5.1.3`,
} as const;

/**
 * Temperatures, fans and power supplies of Cisco switches and routers with their states, on the scale that
 * CiscoEnvMonState defines and that `entity-sensor` maps onto: 1 normal, 2 warning, 3 critical, 4 shutdown,
 * 5 not present, 6 not functioning.
 */
export const ciscoEnvmon: Profile = {
  name: 'cisco-envmon',
  description: 'CISCO-ENVMON-MIB: temperatures, fans and power supplies with their states',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.9']),
  walks: ENVMON_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (k: keyof typeof ENVMON_COLUMNS) => byInstance(walks.get(k), ENVMON_COLUMNS[k]);
    const samples: Sample[] = [];
    const each = (
      descr: keyof typeof ENVMON_COLUMNS,
      value: keyof typeof ENVMON_COLUMNS,
      metric: string,
      unit?: string,
    ) => {
      const names = col(descr);
      for (const [idx, vb] of col(value)) {
        const sensor = labelText(asText(names.get(idx))?.trim() || `#${idx}`);
        push(samples, sample(ctx, metric, asNumber(vb), unit, { sensor }));
      }
    };
    each('tempDescr', 'tempValue', 'temperature_celsius', 'celsius');
    each('tempDescr', 'tempState', 'temperature_state');
    each('fanDescr', 'fanState', 'fan_state');
    each('supplyDescr', 'supplyState', 'psu_state');
    return { samples };
  },
};
