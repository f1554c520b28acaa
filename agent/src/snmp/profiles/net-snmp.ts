import type { Sample } from '@outpost/protocol';
import { type CounterReading, counterRate } from '../rates.js';
import { asBigInt, asNumber } from '../values.js';
import { type Profile, push, sample, underAny } from './types.js';

// UCD-SNMP-MIB (Net-SNMP's snmpd): load averages, memory in kB, raw CPU tick counters.
const UCD = '1.3.6.1.4.1.2021';
export const UCD_OIDS = {
  laLoad1: `${UCD}.10.1.3.1`,
  laLoad5: `${UCD}.10.1.3.2`,
  laLoad15: `${UCD}.10.1.3.3`,
  memTotalSwap: `${UCD}.4.3.0`,
  memAvailSwap: `${UCD}.4.4.0`,
  memTotalReal: `${UCD}.4.5.0`,
  memAvailReal: `${UCD}.4.6.0`,
  memBuffer: `${UCD}.4.14.0`,
  memCached: `${UCD}.4.15.0`,
  ssCpuRawUser: `${UCD}.11.50.0`,
  ssCpuRawNice: `${UCD}.11.51.0`,
  ssCpuRawSystem: `${UCD}.11.52.0`,
  ssCpuRawIdle: `${UCD}.11.53.0`,
  ssCpuRawWait: `${UCD}.11.54.0`,
  ssCpuRawInterrupt: `${UCD}.11.56.0`,
  ssCpuRawSoftIRQ: `${UCD}.11.61.0`,
} as const;
const BUSY = [
  'ssCpuRawUser',
  'ssCpuRawNice',
  'ssCpuRawSystem',
  'ssCpuRawInterrupt',
  'ssCpuRawSoftIRQ',
] as const;

export interface UcdState {
  busy: CounterReading;
  total: CounterReading;
}

/** Net-SNMP hosts (Linux, BSD, routers running snmpd): load averages, available memory, swap, CPU busy %. */
export const netSnmp: Profile<UcdState> = {
  name: 'net-snmp',
  description: 'UCD-SNMP-MIB (Net-SNMP snmpd): load averages, available memory, swap use, CPU busy percent',
  applies: (oid) => underAny(oid, ['1.3.6.1.4.1.8072', UCD]),
  scalars: Object.values(UCD_OIDS),
  collect({ scalars }, prev, ctx) {
    const get = (k: keyof typeof UCD_OIDS) => asNumber(scalars.get(UCD_OIDS[k]));
    const samples: Sample[] = [];
    push(
      samples,
      sample(ctx, 'load_1m', get('laLoad1')),
      sample(ctx, 'load_5m', get('laLoad5')),
      sample(ctx, 'load_15m', get('laLoad15')),
    );
    const total = get('memTotalReal');
    const avail = get('memAvailReal');
    if (avail !== undefined) {
      // memAvailReal excludes buffers and cache, which the kernel gives back on demand.
      const available = (avail + (get('memBuffer') ?? 0) + (get('memCached') ?? 0)) * 1024;
      push(samples, sample(ctx, 'mem_available_bytes', available, 'bytes'));
      if (total)
        push(
          samples,
          sample(ctx, 'mem_available_percent', Math.min(100, (available / (total * 1024)) * 100), 'percent'),
        );
    }
    const swapTotal = get('memTotalSwap');
    const swapAvail = get('memAvailSwap');
    if (swapTotal && swapAvail !== undefined)
      push(samples, sample(ctx, 'swap_used_percent', ((swapTotal - swapAvail) / swapTotal) * 100, 'percent'));

    // CPU busy % from the raw tick counters (Counter32, wrap aware): busy ticks / all ticks in the interval.
    let state: UcdState | undefined;
    const idle = asBigInt(scalars.get(UCD_OIDS.ssCpuRawIdle));
    if (idle !== undefined) {
      let busy = 0n;
      for (const k of BUSY) busy += asBigInt(scalars.get(UCD_OIDS[k])) ?? 0n;
      const wait = asBigInt(scalars.get(UCD_OIDS.ssCpuRawWait)) ?? 0n;
      state = { busy: { value: busy, ts: ctx.now }, total: { value: busy + idle + wait, ts: ctx.now } };
      const b = counterRate({ prev: prev?.busy, cur: state.busy, bits: 64, discontinuity: ctx.rebooted });
      const t = counterRate({ prev: prev?.total, cur: state.total, bits: 64, discontinuity: ctx.rebooted });
      if (b.ok && t.ok && t.perSecond > 0)
        push(
          samples,
          sample(ctx, 'cpu_busy_percent', Math.min(100, (b.perSecond / t.perSecond) * 100), 'percent'),
        );
    }
    return { samples, ...(state ? { state } : {}) };
  },
};
