import type { Sample } from '@outpost/protocol';
import { asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample, underAny } from './types.js';

// CISCO-PROCESS-MIB cpmCPUTotalTable and CISCO-MEMORY-POOL-MIB ciscoMemoryPoolTable.
const CPM = '1.3.6.1.4.1.9.9.109.1.1.1.1';
const POOL = '1.3.6.1.4.1.9.9.48.1.1.1';
export const CISCO_COLUMNS = {
  cpmCPUTotal1min: `${CPM}.4`,
  cpmCPUTotal1minRev: `${CPM}.7`,
  ciscoMemoryPoolName: `${POOL}.2`,
  ciscoMemoryPoolUsed: `${POOL}.5`,
  ciscoMemoryPoolFree: `${POOL}.6`,
} as const;

/** Cisco IOS CPU load (1-minute average) and memory pools. */
export const cisco: Profile = {
  name: 'cisco',
  description: 'Cisco IOS: CPU load (CISCO-PROCESS-MIB) and memory pools (CISCO-MEMORY-POOL-MIB)',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.9']),
  walks: CISCO_COLUMNS,
  collect({ walks }, _prev, ctx) {
    const col = (name: keyof typeof CISCO_COLUMNS) => byInstance(walks.get(name), CISCO_COLUMNS[name]);
    const samples: Sample[] = [];
    // The *Rev columns (0..100, precise) replace the deprecated ones where the device has them.
    const rev = col('cpmCPUTotal1minRev');
    const cpus = rev.size > 0 ? rev : col('cpmCPUTotal1min');
    let sum = 0;
    let n = 0;
    for (const [idx, vb] of cpus) {
      const v = asNumber(vb);
      if (v === undefined) continue;
      sum += v;
      n++;
      push(samples, sample(ctx, 'cpu_core_load', v, 'percent', { cpu: idx }));
    }
    if (n > 0) push(samples, sample(ctx, 'cpu_load', sum / n, 'percent'));

    const names = col('ciscoMemoryPoolName');
    const used = col('ciscoMemoryPoolUsed');
    const free = col('ciscoMemoryPoolFree');
    let processor: { used: number; total: number } | undefined;
    for (const [idx, vb] of used) {
      const u = asNumber(vb);
      const f = asNumber(free.get(idx));
      if (u === undefined || f === undefined || u + f <= 0) continue;
      const pool = asText(names.get(idx)) || `pool ${idx}`;
      push(
        samples,
        sample(ctx, 'mem_pool_used_percent', (u / (u + f)) * 100, 'percent', { pool: labelText(pool) }),
      );
      if (pool === 'Processor' || (idx === '1' && !processor)) processor = { used: u, total: u + f };
    }
    if (processor)
      push(
        samples,
        sample(ctx, 'mem_used_percent', (processor.used / processor.total) * 100, 'percent'),
        sample(ctx, 'mem_used_bytes', processor.used, 'bytes'),
        sample(ctx, 'mem_total_bytes', processor.total, 'bytes'),
      );
    return { samples };
  },
};
