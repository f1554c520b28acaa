import type { Sample } from '@outpost/protocol';
import type { SnmpVarbind } from '../types.js';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// HOST-RESOURCES-MIB (RFC 2790).
const HR_PROCESSOR_LOAD = '1.3.6.1.2.1.25.3.3.1.2';
const HR_STORAGE = '1.3.6.1.2.1.25.2.3.1';
export const HR_COLUMNS = {
  hrProcessorLoad: HR_PROCESSOR_LOAD,
  hrStorageType: `${HR_STORAGE}.2`,
  hrStorageDescr: `${HR_STORAGE}.3`,
  hrStorageAllocationUnits: `${HR_STORAGE}.4`,
  hrStorageSize: `${HR_STORAGE}.5`,
  hrStorageUsed: `${HR_STORAGE}.6`,
} as const;

const TYPE = '1.3.6.1.2.1.25.2.1';
const RAM = `${TYPE}.2`;
const OTHER = `${TYPE}.1`;
/** Storage types reported as file systems: fixed, removable, flash and network disks. */
const DISKS = new Set([`${TYPE}.4`, `${TYPE}.5`, `${TYPE}.9`, `${TYPE}.10`]);

/** Agents known to implement HOST-RESOURCES-MIB: Net-SNMP, UCD-SNMP, Windows, VMware ESXi, Synology, QNAP. */
const HOSTS = [
  '1.3.6.1.4.1.8072',
  '1.3.6.1.4.1.2021',
  '1.3.6.1.4.1.311',
  '1.3.6.1.4.1.6876',
  '1.3.6.1.4.1.6574',
  '1.3.6.1.4.1.24681',
];

/** hrStorageSize/Used are Integer32 and wrap negative on large disks; read them as unsigned. */
function unsigned(vb: SnmpVarbind | undefined): number | undefined {
  const n = asNumber(vb);
  return n === undefined ? undefined : n < 0 ? n + 2 ** 32 : n;
}

/** CPU load (average of hrProcessorLoad), memory use and file system use from hrStorageTable. */
export const hostResources: Profile = {
  name: 'host-resources',
  description: 'HOST-RESOURCES-MIB: processor load, memory and storage use (servers, NAS, Net-SNMP hosts)',
  applies: (oid) => underAny(oid, HOSTS),
  walks: HR_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const samples: Sample[] = [];
    const loads = byInstance(walks.get('hrProcessorLoad'), HR_PROCESSOR_LOAD);
    let sum = 0;
    let n = 0;
    for (const [idx, vb] of loads) {
      const v = asNumber(vb);
      if (v === undefined) continue;
      sum += v;
      n++;
      push(samples, sample(ctx, 'cpu_core_load', v, 'percent', { cpu: idx }));
    }
    if (n > 0) push(samples, sample(ctx, 'cpu_load', sum / n, 'percent'));

    const col = (name: keyof typeof HR_COLUMNS) => byInstance(walks.get(name), HR_COLUMNS[name]);
    const types = col('hrStorageType');
    const descrs = col('hrStorageDescr');
    const units = col('hrStorageAllocationUnits');
    const sizes = col('hrStorageSize');
    const used = col('hrStorageUsed');
    let ram: { size: number; used: number } | undefined;
    let reclaimable = 0;
    for (const [idx, typeVb] of types) {
      const type = asText(typeVb);
      const unit = asNumber(units.get(idx));
      const size = unsigned(sizes.get(idx));
      const use = unsigned(used.get(idx));
      const descr = asText(descrs.get(idx)) ?? `storage ${idx}`;
      if (!unit || size === undefined || use === undefined) continue;
      const sizeB = size * unit;
      const usedB = use * unit;
      if (type === RAM) ram = { size: sizeB, used: usedB };
      // Net-SNMP lists the page cache and buffers as "other" storage; they are reclaimable, not used.
      else if (type === OTHER && /^(cached memory|memory buffers)$/i.test(descr)) reclaimable += usedB;
      else if (type && DISKS.has(type) && sizeB > 0) {
        const labels = { storage: labelText(descr) };
        push(
          samples,
          sample(ctx, 'storage_used_percent', (usedB / sizeB) * 100, 'percent', labels),
          sample(ctx, 'storage_used_bytes', usedB, 'bytes', labels),
          sample(ctx, 'storage_size_bytes', sizeB, 'bytes', labels),
        );
      }
    }
    if (ram && ram.size > 0) {
      const usedB = Math.max(0, ram.used - reclaimable);
      push(
        samples,
        sample(ctx, 'mem_used_percent', (usedB / ram.size) * 100, 'percent'),
        sample(ctx, 'mem_used_bytes', usedB, 'bytes'),
        sample(ctx, 'mem_total_bytes', ram.size, 'bytes'),
      );
    }
    return { samples };
  },
};
