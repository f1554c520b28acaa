import { SnmpType, type SnmpVarbind } from './types.js';

/** True when the varbind carries no value (noSuchObject, noSuchInstance, endOfMibView, or none at all). */
export function isMissing(vb: SnmpVarbind | undefined): boolean {
  if (!vb || vb.value === undefined || vb.value === null) return true;
  const t = vb.type ?? 0;
  return (
    t === SnmpType.NoSuchObject ||
    t === SnmpType.NoSuchInstance ||
    t === SnmpType.EndOfMibView ||
    t === SnmpType.Null
  );
}

/** Reads an unsigned big-endian integer of any length (net-snmp hands Counter64 over as bytes). */
export function bytesToBigInt(buf: Uint8Array): bigint {
  let n = 0n;
  for (const b of buf) n = (n << 8n) | BigInt(b);
  return n;
}

/** A counter's value as a bigint (Counter32, Counter64, Gauge, Integer), or undefined. */
export function asBigInt(vb: SnmpVarbind | undefined): bigint | undefined {
  if (isMissing(vb)) return undefined;
  const v = vb!.value;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  if (typeof v === 'bigint') return v;
  if (Buffer.isBuffer(v)) {
    // Hot path (every Counter64 of every interface): avoid a BigInt operation per byte.
    if (v.length === 8) return v.readBigUInt64BE(0);
    if (v.length <= 6) return v.length === 0 ? 0n : BigInt(v.readUIntBE(0, v.length));
    return v.length <= 9 ? bytesToBigInt(v) : undefined;
  }
  return undefined;
}

/** A numeric value (INTEGER, Gauge, TimeTicks, counters; digits in a string as UCD-SNMP-MIB uses) or undefined. */
export function asNumber(vb: SnmpVarbind | undefined): number | undefined {
  if (isMissing(vb)) return undefined;
  const v = vb!.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) {
    if (vb!.type === SnmpType.Counter64) return Number(bytesToBigInt(v));
    const n = Number(v.toString('latin1').trim());
    return v.length > 0 && Number.isFinite(n) ? n : undefined;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Text of a DisplayString / OID / IpAddress varbind, trailing NULs removed; undefined when missing. */
export function asText(vb: SnmpVarbind | undefined): string | undefined {
  if (isMissing(vb)) return undefined;
  const v = vb!.value;
  if (Buffer.isBuffer(v)) return v.toString('utf8').replace(/\0+$/, '');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Indexes the varbinds of one column by instance suffix: `{ '5': vb }` for `<column>.5`. */
export function byInstance(
  varbinds: readonly SnmpVarbind[] | undefined,
  column: string,
): Map<string, SnmpVarbind> {
  const out = new Map<string, SnmpVarbind>();
  if (!varbinds) return out;
  const prefix = column.length + 1;
  for (const vb of varbinds) {
    if (vb.oid.length > prefix && vb.oid.startsWith(column) && vb.oid.charCodeAt(column.length) === 46)
      out.set(vb.oid.slice(prefix), vb);
  }
  return out;
}
