import type { Sample } from '@outpost/protocol';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// Printer-MIB (RFC 3805) prtMarkerSuppliesTable, and HOST-RESOURCES-MIB's hrPrinterStatus.
const SUPPLIES = '1.3.6.1.2.1.43.11.1.1';
export const PRINTER_COLUMNS = {
  supplyType: `${SUPPLIES}.5`,
  supplyDescr: `${SUPPLIES}.6`,
  supplyMax: `${SUPPLIES}.8`,
  supplyLevel: `${SUPPLIES}.9`,
  hrPrinterStatus: '1.3.6.1.2.1.25.3.5.1.1',
} as const;

/** prtMarkerSuppliesLevel special values: -1 other, -2 unknown, -3 "some remaining". */
const SOME_REMAINING = -3;

/** Printer makers (their network cards implement RFC 3805). */
const VENDORS = [
  '1.3.6.1.4.1.11', // HP
  '1.3.6.1.4.1.2435', // Brother
  '1.3.6.1.4.1.1602', // Canon
  '1.3.6.1.4.1.253', // Xerox
  '1.3.6.1.4.1.641', // Lexmark
  '1.3.6.1.4.1.367', // Ricoh
  '1.3.6.1.4.1.1347', // Kyocera
  '1.3.6.1.4.1.1248', // Epson
  '1.3.6.1.4.1.18334', // Konica Minolta
  '1.3.6.1.4.1.236', // Samsung
  '1.3.6.1.4.1.2001', // OKI
  '1.3.6.1.4.1.2385', // Sharp
  '1.3.6.1.4.1.1129', // Toshiba
];

/**
 * Toner, ink, drums and waste containers: the level as a percent of the capacity where the printer gives both,
 * and the printer's status (hrPrinterStatus: 1 other, 2 unknown, 3 idle, 4 printing, 5 warmup).
 */
export const printerMib: Profile = {
  name: 'printer-mib',
  description: 'Printer-MIB: supply levels (toner, ink, drums, waste) and printer status',
  applies: (oid) => underAny(oid, VENDORS),
  walks: PRINTER_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (k: keyof typeof PRINTER_COLUMNS) => byInstance(walks.get(k), PRINTER_COLUMNS[k]);
    const samples: Sample[] = [];
    const names = col('supplyDescr');
    const max = col('supplyMax');
    const types = col('supplyType');
    for (const [idx, vb] of col('supplyLevel')) {
      const level = asNumber(vb);
      if (level === undefined) continue;
      const supply = labelText(asText(names.get(idx))?.replace(/\0+$/, '').trim() || `#${idx}`);
      const labels = { supply };
      const capacity = asNumber(max.get(idx));
      // prtMarkerSuppliesType: toner(3), wasteToner(4), ink(5), ... as reported.
      push(samples, sample(ctx, 'printer_supply_type', asNumber(types.get(idx)), undefined, labels));
      if (level >= 0 && capacity !== undefined && capacity > 0)
        push(
          samples,
          sample(ctx, 'printer_supply_percent', Math.min(100, (level / capacity) * 100), 'percent', labels),
        );
      else if (level === SOME_REMAINING)
        push(samples, sample(ctx, 'printer_supply_low', 0, undefined, labels));
      else if (level === 0) push(samples, sample(ctx, 'printer_supply_percent', 0, 'percent', labels));
    }
    for (const [, vb] of col('hrPrinterStatus')) {
      push(samples, sample(ctx, 'printer_status', asNumber(vb)));
      break;
    }
    return { samples };
  },
};
