import type { Sample } from '@outpost/protocol';
import { type CounterBits, counterRate, utilisation } from '../rates.js';
import type { SnmpVarbind } from '../types.js';
import { asBigInt, asNumber, asText, byInstance } from '../values.js';
import { labelText, type Profile, push, sample } from './types.js';

// IF-MIB (RFC 2863): ifTable columns under 1.3.6.1.2.1.2.2.1, ifXTable columns under 1.3.6.1.2.1.31.1.1.1.
const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';
export const IF_COLUMNS = {
  ifDescr: `${IF}.2`,
  ifSpeed: `${IF}.5`,
  ifAdminStatus: `${IF}.7`,
  ifOperStatus: `${IF}.8`,
  ifInOctets: `${IF}.10`,
  ifInDiscards: `${IF}.13`,
  ifInErrors: `${IF}.14`,
  ifOutOctets: `${IF}.16`,
  ifOutDiscards: `${IF}.19`,
  ifOutErrors: `${IF}.20`,
  ifName: `${IFX}.1`,
  ifHCInOctets: `${IFX}.6`,
  ifHCOutOctets: `${IFX}.10`,
  ifHighSpeed: `${IFX}.15`,
  ifAlias: `${IFX}.18`,
  ifCounterDiscontinuityTime: `${IFX}.19`,
} as const;
type Column = keyof typeof IF_COLUMNS;

/** A rate above the link speed by more than this factor is a glitch, not traffic. */
export const SPEED_MARGIN = 1.5;
/** Bound for links that report no speed (a 400 Gb/s port, with margin). */
const UNKNOWN_SPEED_BPS = 400e9;
/** Smallest Ethernet frame on the wire (64 bytes + preamble and gap): bounds packet rates. */
const MIN_FRAME_BITS = 84 * 8;
const ADMIN_DOWN = 2;

const COUNTERS = ['in', 'out', 'inErr', 'outErr', 'inDisc', 'outDisc'] as const;
type CounterKey = (typeof COUNTERS)[number];

/**
 * Kept per device between polls, in typed arrays: 66 bytes per interface and about 1 KiB per device, where an
 * object, an array and BigInts per interface took about 300 bytes each (18 MiB of heap for 1,000 switches of
 * 59 interfaces). Row r is the interface `ifIndex[r]`.
 */
export interface IfMibState {
  ts: number;
  /** The ifIndex of each row (NaN for an instance that is not a number: no state is kept for it). */
  ifIndex: Float64Array;
  /** Counter values, COUNTERS.length per row in COUNTERS order; meaningful where `has` has the bit. */
  values: BigUint64Array;
  /** Per row, bit i: counter i was read. */
  has: Uint8Array;
  /** Per row, bit i: counter i was read from its 64-bit column. */
  wide: Uint8Array;
  /** ifCounterDiscontinuityTime per row, NaN when the device does not report it. */
  disc: Float64Array;
}

function newState(ts: number, rows: number): IfMibState {
  return {
    ts,
    ifIndex: new Float64Array(rows).fill(Number.NaN),
    values: new BigUint64Array(rows * COUNTERS.length),
    has: new Uint8Array(rows),
    wide: new Uint8Array(rows),
    disc: new Float64Array(rows).fill(Number.NaN),
  };
}

/** Row of each ifIndex in a previous state. */
function rowsOf(state: IfMibState | undefined): Map<number, number> {
  const rows = new Map<number, number>();
  if (state)
    for (let r = 0; r < state.ifIndex.length; r++) {
      const ifIndex = state.ifIndex[r]!;
      if (!Number.isNaN(ifIndex)) rows.set(ifIndex, r);
    }
  return rows;
}

function counterOf(
  cols: Record<Column, Map<string, SnmpVarbind>>,
  idx: string,
  hc: Column | undefined,
  low: Column,
): { value: bigint; bits: CounterBits } | undefined {
  if (hc) {
    const v = asBigInt(cols[hc].get(idx));
    if (v !== undefined) return { value: v, bits: 64 };
  }
  const v = asBigInt(cols[low].get(idx));
  return v === undefined ? undefined : { value: v, bits: 32 };
}

/** ifHighSpeed (Mb/s) when known, else ifSpeed (b/s, saturates at 2^32-1). */
function speedOf(cols: Record<Column, Map<string, SnmpVarbind>>, idx: string): number | undefined {
  const high = asNumber(cols.ifHighSpeed.get(idx));
  if (high !== undefined && high > 0) return high * 1e6;
  const speed = asNumber(cols.ifSpeed.get(idx));
  return speed !== undefined && speed > 0 ? speed : undefined;
}

/** ifTable + ifXTable: status, speed, traffic and error rates, utilisation, per interface. */
export const ifMib: Profile<IfMibState> = {
  name: 'if-mib',
  description:
    'IF-MIB interfaces: status, speed, bit rates (64-bit counters, 32-bit fallback), errors, discards',
  applies: () => true,
  walks: IF_COLUMNS,
  collect({ walks }, prev, ctx) {
    const cols = {} as Record<Column, Map<string, SnmpVarbind>>;
    for (const [name, oid] of Object.entries(IF_COLUMNS) as [Column, string][])
      cols[name] = byInstance(walks.get(name), oid);
    const indexes = new Set<string>([
      ...cols.ifDescr.keys(),
      ...cols.ifName.keys(),
      ...cols.ifOperStatus.keys(),
    ]);
    const samples: Sample[] = [];
    const state = newState(ctx.now, indexes.size);
    const prevRows = rowsOf(prev);
    let row = -1;
    for (const idx of indexes) {
      row++;
      const name = asText(cols.ifName.get(idx)) || asText(cols.ifDescr.get(idx)) || `if${idx}`;
      const labels: Record<string, string> = { if_index: idx, if_name: labelText(name) };
      const alias = asText(cols.ifAlias.get(idx));
      if (alias) labels.if_alias = labelText(alias);
      const admin = asNumber(cols.ifAdminStatus.get(idx));
      const speed = speedOf(cols, idx);
      push(
        samples,
        sample(ctx, 'if_oper_status', asNumber(cols.ifOperStatus.get(idx)), undefined, labels),
        sample(ctx, 'if_admin_status', admin, undefined, labels),
        sample(ctx, 'if_speed_bps', speed, 'bps', labels),
      );
      const ifIndex = /^\d+$/.test(idx) ? Number(idx) : Number.NaN;
      state.ifIndex[row] = ifIndex;
      const before = Number.isNaN(ifIndex) ? undefined : prevRows.get(ifIndex);
      const disc = asNumber(cols.ifCounterDiscontinuityTime.get(idx));
      if (disc !== undefined) state.disc[row] = disc;
      const beforeDisc = before === undefined ? Number.NaN : prev!.disc[before]!;
      // RFC 2863 3.1.5: a change of ifCounterDiscontinuityTime means the counters were reset.
      const discontinuity =
        ctx.rebooted || (disc !== undefined && !Number.isNaN(beforeDisc) && disc !== beforeDisc);
      const maxBps = (speed ?? UNKNOWN_SPEED_BPS) * SPEED_MARGIN;
      const rate = (key: CounterKey, hc: Column | undefined, low: Column, maxPerSecond: number) => {
        const cur = counterOf(cols, idx, hc, low);
        if (!cur) return undefined;
        const i = COUNTERS.indexOf(key);
        const bit = 1 << i;
        const wide = cur.bits === 64;
        state.values[row * COUNTERS.length + i] = BigInt.asUintN(64, cur.value);
        state.has[row]! |= bit;
        if (wide) state.wide[row]! |= bit;
        const had = before !== undefined && (prev!.has[before]! & bit) !== 0;
        const res = counterRate({
          prev: had ? { value: prev!.values[before! * COUNTERS.length + i]!, ts: prev!.ts } : undefined,
          cur: { value: cur.value, ts: ctx.now },
          bits: cur.bits,
          maxPerSecond,
          // Switching between the 32- and 64-bit column compares different counters.
          discontinuity: discontinuity || (had && ((prev!.wide[before!]! & bit) !== 0) !== wide),
        });
        return res.ok ? res.perSecond : undefined;
      };
      const inBps = rate('in', 'ifHCInOctets', 'ifInOctets', maxBps / 8);
      const outBps = rate('out', 'ifHCOutOctets', 'ifOutOctets', maxBps / 8);
      const maxPps = maxBps / MIN_FRAME_BITS;
      const inErr = rate('inErr', undefined, 'ifInErrors', maxPps);
      const outErr = rate('outErr', undefined, 'ifOutErrors', maxPps);
      const inDisc = rate('inDisc', undefined, 'ifInDiscards', maxPps);
      const outDisc = rate('outDisc', undefined, 'ifOutDiscards', maxPps);
      // An administratively disabled port carries no traffic: report its status only.
      if (admin === ADMIN_DOWN) continue;
      const inB = inBps === undefined ? undefined : inBps * 8;
      const outB = outBps === undefined ? undefined : outBps * 8;
      push(
        samples,
        sample(ctx, 'if_in_bps', inB, 'bps', labels),
        sample(ctx, 'if_out_bps', outB, 'bps', labels),
        inB === undefined
          ? undefined
          : sample(ctx, 'if_in_utilization', utilisation(inB, speed), 'percent', labels),
        outB === undefined
          ? undefined
          : sample(ctx, 'if_out_utilization', utilisation(outB, speed), 'percent', labels),
        sample(ctx, 'if_in_errors_ps', inErr, 'pps', labels),
        sample(ctx, 'if_out_errors_ps', outErr, 'pps', labels),
        sample(ctx, 'if_in_discards_ps', inDisc, 'pps', labels),
        sample(ctx, 'if_out_discards_ps', outDisc, 'pps', labels),
      );
    }
    return { samples, state };
  },
};
