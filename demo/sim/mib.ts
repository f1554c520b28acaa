import snmp from 'net-snmp';
import type { Mib, MibRequest } from './net-snmp-agent.js';

const RO = snmp.MaxAccess['read-only'];
const T = snmp.ObjectType;

/** A Counter64 value as net-snmp expects it: 8 bytes, big-endian. */
export function counter64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, value));
  return b;
}

export interface SystemFacts {
  descr: string;
  objectId: string;
  name: string;
  location: string;
  contact: string;
}

/** SNMPv2-MIB system group; sysUpTime counts from `bootedAt` (hundredths of a second). */
export function addSystemGroup(mib: Mib, facts: SystemFacts, bootedAt: () => number): void {
  const scalars: [string, string, number, unknown][] = [
    ['sysDescr', '1.3.6.1.2.1.1.1', T.OctetString, facts.descr],
    ['sysObjectID', '1.3.6.1.2.1.1.2', T.OID, facts.objectId],
    ['sysUpTime', '1.3.6.1.2.1.1.3', T.TimeTicks, 0],
    ['sysContact', '1.3.6.1.2.1.1.4', T.OctetString, facts.contact],
    ['sysName', '1.3.6.1.2.1.1.5', T.OctetString, facts.name],
    ['sysLocation', '1.3.6.1.2.1.1.6', T.OctetString, facts.location],
  ];
  for (const [name, oid, scalarType, value] of scalars) {
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid,
      scalarType,
      maxAccess: RO,
      handler:
        name === 'sysUpTime'
          ? (req: MibRequest) => {
              req.instanceNode.value = Math.floor((Date.now() - bootedAt()) / 10) % 2 ** 32;
              req.done();
            }
          : undefined,
    } as Record<string, unknown>);
    mib.setScalarValue(name, value);
  }
}

export interface SimInterface {
  index: number;
  name: string;
  alias: string;
  speedMbps: number;
  adminUp: boolean;
  operUp: boolean;
  inOctets: bigint;
  outOctets: bigint;
  inErrors: number;
  /** Average load as a fraction of speed, used to move the counters. */
  load: number;
}

const col = (number: number, name: string, type: number) => ({ number, name, type, maxAccess: RO });

/** IF-MIB ifTable and ifXTable over `interfaces`; call `tickInterfaces` to move the counters. */
export function addInterfaces(mib: Mib, interfaces: SimInterface[]): void {
  mib.registerProvider({
    name: 'ifEntry',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.2.2.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifIndex', T.Integer),
      col(2, 'ifDescr', T.OctetString),
      col(3, 'ifType', T.Integer),
      col(5, 'ifSpeed', T.Gauge32),
      col(7, 'ifAdminStatus', T.Integer),
      col(8, 'ifOperStatus', T.Integer),
      col(10, 'ifInOctets', T.Counter32),
      col(14, 'ifInErrors', T.Counter32),
      col(16, 'ifOutOctets', T.Counter32),
    ],
    tableIndex: [{ columnName: 'ifIndex' }],
  } as Record<string, unknown>);
  mib.registerProvider({
    name: 'ifXEntry',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.31.1.1.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifName', T.OctetString),
      col(6, 'ifHCInOctets', T.Counter64),
      col(10, 'ifHCOutOctets', T.Counter64),
      col(15, 'ifHighSpeed', T.Gauge32),
      col(18, 'ifAlias', T.OctetString),
    ],
    tableAugments: 'ifEntry',
  } as Record<string, unknown>);
  for (const i of interfaces) {
    mib.addTableRow('ifEntry', [
      i.index,
      i.name,
      6,
      Math.min(i.speedMbps * 1e6, 2 ** 32 - 1),
      i.adminUp ? 1 : 2,
      i.operUp ? 1 : 2,
      Number(i.inOctets % 2n ** 32n),
      i.inErrors,
      Number(i.outOctets % 2n ** 32n),
    ]);
    mib.addTableRow('ifXEntry', [
      i.index,
      i.name,
      counter64(i.inOctets),
      counter64(i.outOctets),
      i.speedMbps,
      i.alias,
    ]);
  }
}

/** Advances every up interface's counters by `seconds` of traffic at its load, with some noise. */
export function tickInterfaces(mib: Mib, interfaces: SimInterface[], seconds: number): void {
  for (const i of interfaces) {
    if (i.operUp) {
      const bytesPerSecond = (i.speedMbps * 1e6 * i.load) / 8;
      const noise = 0.7 + Math.random() * 0.6;
      i.inOctets += BigInt(Math.round(bytesPerSecond * seconds * noise));
      i.outOctets += BigInt(Math.round(bytesPerSecond * seconds * noise * 0.4));
      if (Math.random() < 0.02) i.inErrors += 1;
    }
    const row = [i.index];
    mib.setTableSingleCell('ifEntry', 7, row, i.adminUp ? 1 : 2);
    mib.setTableSingleCell('ifEntry', 8, row, i.operUp ? 1 : 2);
    mib.setTableSingleCell('ifEntry', 10, row, Number(i.inOctets % 2n ** 32n));
    mib.setTableSingleCell('ifEntry', 14, row, i.inErrors);
    mib.setTableSingleCell('ifEntry', 16, row, Number(i.outOctets % 2n ** 32n));
    mib.setTableSingleCell('ifXEntry', 6, row, counter64(i.inOctets));
    mib.setTableSingleCell('ifXEntry', 10, row, counter64(i.outOctets));
  }
}

/** HOST-RESOURCES-MIB hrDeviceTable + hrProcessorTable; the load is read from `load()` at request time. */
export function addProcessorLoad(mib: Mib, cpus: number, load: () => number): void {
  mib.registerProvider({
    name: 'hrDeviceEntry',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.25.3.2.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'hrDeviceIndex', T.Integer),
      col(2, 'hrDeviceType', T.OID),
      col(3, 'hrDeviceDescr', T.OctetString),
    ],
    tableIndex: [{ columnName: 'hrDeviceIndex' }],
  } as Record<string, unknown>);
  mib.registerProvider({
    name: 'hrProcessorEntry',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.25.3.3.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [col(1, 'hrProcessorFrwID', T.OID), col(2, 'hrProcessorLoad', T.Integer)],
    tableIndex: [{ columnName: 'hrDeviceIndex', foreign: 'hrDeviceEntry' }],
    handler: (req: MibRequest) => {
      if (req.instanceNode?.oid?.startsWith('1.3.6.1.2.1.25.3.3.1.2.')) {
        req.instanceNode.value = Math.max(0, Math.min(100, Math.round(load())));
      }
      req.done();
    },
  } as Record<string, unknown>);
  for (let c = 1; c <= cpus; c++) {
    const index = 195 + c;
    mib.addTableRow('hrDeviceEntry', [index, '1.3.6.1.2.1.25.3.1.3', `CPU ${c}`]);
    mib.addTableRow('hrProcessorEntry', [index, '0.0', Math.round(load())]);
  }
}

/** Plain scalars (oid without the trailing .0). `value` is read at request time when it is a function. */
export function addScalars(
  mib: Mib,
  scalars: { name: string; oid: string; type: number; value: unknown }[],
): void {
  for (const s of scalars) {
    const dynamic = typeof s.value === 'function' ? (s.value as () => unknown) : undefined;
    mib.registerProvider({
      name: s.name,
      type: snmp.MibProviderType.Scalar,
      oid: s.oid,
      scalarType: s.type,
      maxAccess: RO,
      handler: dynamic
        ? (req: MibRequest) => {
            req.instanceNode.value = dynamic();
            req.done();
          }
        : undefined,
    } as Record<string, unknown>);
    mib.setScalarValue(s.name, dynamic ? dynamic() : s.value);
  }
}

/** A column of a simulated table: number, name, type. */
export type SimColumn = [number, string, number];

/**
 * A conceptual table: its columns under `oid` (the entry), indexed by `index` (its own columns, by default the
 * first) or by `foreign` index columns of another table, whose values then come first in each row. A value that
 * is a function is read at request time.
 */
export function addTable(
  mib: Mib,
  t: {
    name: string;
    oid: string;
    columns: SimColumn[];
    index?: string[];
    foreign?: { table: string; column: string }[];
    rows: unknown[][];
  },
): void {
  const dynamic = new Map<string, () => unknown>();
  const foreign = t.foreign?.length ?? 0;
  const own = t.index ?? (t.foreign ? [] : [t.columns[0]![1]]);
  mib.registerProvider({
    name: t.name,
    type: snmp.MibProviderType.Table,
    oid: t.oid,
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: t.columns.map(([n, name, type]) => col(n, name, type)),
    tableIndex: [
      ...(t.foreign ?? []).map((f) => ({ columnName: f.column, foreign: f.table })),
      ...own.map((columnName) => ({ columnName })),
    ],
    handler: (req: MibRequest) => {
      const f = req.instanceNode?.oid ? dynamic.get(req.instanceNode.oid) : undefined;
      if (f) req.instanceNode.value = f();
      req.done();
    },
  } as Record<string, unknown>);
  for (const row of t.rows) {
    const values = row.map((v) => (typeof v === 'function' ? (v as () => unknown)() : v));
    mib.addTableRow(t.name, values);
    const index = [
      ...values.slice(0, foreign),
      ...own.map((name) => values[foreign + t.columns.findIndex((c) => c[1] === name)]),
    ].join('.');
    row.forEach((v, i) => {
      const column = t.columns[i - foreign];
      if (typeof v === 'function' && column)
        dynamic.set(`${t.oid}.${column[0]}.${index}`, v as () => unknown);
    });
  }
}
