import type { Sample } from '@outpost/protocol';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// UBNT-UniFi-MIB unifiVapTable (one row per SSID and radio).
const VAP = '1.3.6.1.4.1.41112.1.6.1.2.1';
export const UNIFI_COLUMNS = {
  essId: `${VAP}.6`,
  numStations: `${VAP}.8`,
  radio: `${VAP}.9`,
} as const;

/**
 * Wireless clients of a UniFi access point, per SSID and radio (`ng` 2.4 GHz, `na` 5 GHz), and in total. No
 * standard MIB counts associated clients (IEEE802dot11-MIB does not), so each vendor is a profile of its own.
 * Many UniFi firmwares answer with Net-SNMP's sysObjectID: name this profile on the device when it is not
 * selected by itself.
 */
export const ubiquitiUnifi: Profile = {
  name: 'ubiquiti-unifi',
  description: 'UBNT-UniFi-MIB: wireless clients per SSID and radio, and in total (UniFi access points)',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.41112']),
  walks: UNIFI_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (k: keyof typeof UNIFI_COLUMNS) => byInstance(walks.get(k), UNIFI_COLUMNS[k]);
    const samples: Sample[] = [];
    const ssids = col('essId');
    const radios = col('radio');
    let total: number | undefined;
    for (const [idx, vb] of col('numStations')) {
      const n = asNumber(vb);
      if (n === undefined) continue;
      total = (total ?? 0) + n;
      const labels = {
        ssid: labelText(asText(ssids.get(idx)) ?? `#${idx}`),
        radio: labelText(asText(radios.get(idx)) ?? ''),
      };
      push(samples, sample(ctx, 'wifi_clients', n, undefined, labels));
    }
    push(samples, sample(ctx, 'wifi_clients_total', total));
    return { samples };
  },
};
