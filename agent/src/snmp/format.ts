import type { SnmpVarbind } from './types.js';
import { SnmpType } from './types.js';
import { asBigInt } from './values.js';

const TYPE_NAMES: Record<number, string> = {
  [SnmpType.Integer]: 'INTEGER',
  [SnmpType.OctetString]: 'STRING',
  [SnmpType.Null]: 'NULL',
  [SnmpType.OID]: 'OID',
  [SnmpType.IpAddress]: 'IpAddress',
  [SnmpType.Counter32]: 'Counter32',
  [SnmpType.Gauge32]: 'Gauge32',
  [SnmpType.TimeTicks]: 'Timeticks',
  [SnmpType.Opaque]: 'Opaque',
  [SnmpType.Counter64]: 'Counter64',
  [SnmpType.NoSuchObject]: 'No Such Object',
  [SnmpType.NoSuchInstance]: 'No Such Instance',
  [SnmpType.EndOfMibView]: 'End of MIB View',
};

/** True when every byte is printable ASCII or common whitespace. */
function printable(buf: Buffer): boolean {
  for (const b of buf) if ((b < 32 || b > 126) && b !== 9 && b !== 10 && b !== 13) return false;
  return true;
}

/** The type name and value of a varbind as text, in the style of Net-SNMP's tools (`STRING`, `Hex-STRING`). */
export function formatValue(vb: SnmpVarbind): { type: string; value: string } {
  const t = vb.type ?? 0;
  const name = TYPE_NAMES[t] ?? `type ${t}`;
  const v = vb.value;
  if (t === SnmpType.Counter64) return { type: name, value: String(asBigInt(vb) ?? '') };
  if (Buffer.isBuffer(v)) {
    if (printable(v)) return { type: name, value: v.toString('latin1') };
    return {
      type: 'Hex-STRING',
      value: v
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 ')
        .toUpperCase(),
    };
  }
  if (v === null || v === undefined) return { type: name, value: '' };
  return { type: name, value: String(v) };
}

/** One line per varbind: `1.3.6.1.2.1.1.5.0 = STRING: core-sw`. */
export function formatVarbind(vb: SnmpVarbind): string {
  const { type, value } = formatValue(vb);
  return `${vb.oid} = ${type}: ${value}`;
}
