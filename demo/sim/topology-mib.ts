// Topology MIBs for simulated devices: IF-MIB ifPhysAddress, LLDP-MIB, BRIDGE-MIB / Q-BRIDGE-MIB forwarding
// tables and IP-MIB's ARP cache, as real switches and routers answer them, on net-snmp's agent module.
import snmp from 'net-snmp';
import type { Mib } from './net-snmp-agent.js';

const RO = snmp.MaxAccess['read-only'];
const NA = snmp.MaxAccess['not-accessible'];
const T = snmp.ObjectType;

let tables = 0;

/**
 * A table whose rows carry their index as OID sub-identifiers written out (`0.51.1`): one implied OID index
 * column the MIB does not show, so that any index encoding (several parts, MACs, length-prefixed addresses) is
 * served exactly as a real agent encodes it.
 */
export function addRawTable(
  mib: Mib,
  entryOid: string,
  columns: readonly { number: number; type: number }[],
  rows: readonly { index: string; values: Record<number, unknown> }[],
): void {
  if (rows.length === 0) return;
  const name = `rawTable${++tables}`;
  mib.registerProvider({
    name,
    type: snmp.MibProviderType.Table,
    oid: entryOid,
    maxAccess: NA,
    tableColumns: [
      ...columns.map((c) => ({ number: c.number, name: `c${c.number}`, type: c.type, maxAccess: RO })),
      { number: 9999, name: 'rowIndex', type: T.OID, maxAccess: NA },
    ],
    tableIndex: [{ columnName: 'rowIndex', implied: true }],
  } as Record<string, unknown>);
  for (const r of rows)
    mib.addTableRow(name, [...columns.map((c) => r.values[c.number] ?? defaultOf(c.type)), r.index]);
}

function defaultOf(type: number): unknown {
  return type === T.OctetString ? Buffer.alloc(0) : type === T.OID ? '0.0' : 0;
}

/** `02:00:..` as its six bytes. */
export const macBytes = (mac: string) => Buffer.from(mac.split(':').map((h) => Number.parseInt(h, 16)));
/** A MAC as six decimal sub-identifiers (how BRIDGE-MIB indexes by MAC). */
const macIndex = (mac: string) => [...macBytes(mac)].join('.');

export interface SimPort {
  ifIndex: number;
  name: string;
  mac: string;
}

/** IF-MIB ifTable (index, name, type, MAC, up) and ifXTable ifName of the ports: a switch's interfaces. */
export function addPorts(mib: Mib, ports: readonly SimPort[]): void {
  addRawTable(
    mib,
    '1.3.6.1.2.1.2.2.1',
    [
      { number: 1, type: T.Integer },
      { number: 2, type: T.OctetString },
      { number: 3, type: T.Integer },
      { number: 6, type: T.OctetString },
      { number: 7, type: T.Integer },
      { number: 8, type: T.Integer },
    ],
    ports.map((p) => ({
      index: String(p.ifIndex),
      values: { 1: p.ifIndex, 2: Buffer.from(p.name), 3: 6, 6: macBytes(p.mac), 7: 1, 8: 1 },
    })),
  );
  addRawTable(
    mib,
    '1.3.6.1.2.1.31.1.1.1',
    [{ number: 1, type: T.OctetString }],
    ports.map((p) => ({ index: String(p.ifIndex), values: { 1: Buffer.from(p.name) } })),
  );
}

export interface LldpNeighbour {
  /** The local port's ifIndex (LLDP's own port number here is the same). */
  ifIndex: number;
  chassisMac: string;
  portId: string;
  sysName: string;
  mgmtIp?: string;
  /** LLDP capabilities enabled: bridge, router, wlan-access-point. */
  capabilities: ('bridge' | 'router' | 'wlan-access-point')[];
}

const CAP_BITS = { bridge: 0x20, 'wlan-access-point': 0x10, router: 0x08 } as const;

/** LLDP-MIB: the local chassis (a MAC) and ports, and the remote systems seen on them. */
export function addLldp(
  mib: Mib,
  chassisMac: string,
  ports: readonly SimPort[],
  neighbours: readonly LldpNeighbour[],
): void {
  mib.registerProvider({
    name: 'lldpLocChassisIdSubtype',
    type: snmp.MibProviderType.Scalar,
    oid: '1.0.8802.1.1.2.1.3.1',
    scalarType: T.Integer,
    maxAccess: RO,
  } as Record<string, unknown>);
  mib.setScalarValue('lldpLocChassisIdSubtype', 4);
  mib.registerProvider({
    name: 'lldpLocChassisId',
    type: snmp.MibProviderType.Scalar,
    oid: '1.0.8802.1.1.2.1.3.2',
    scalarType: T.OctetString,
    maxAccess: RO,
  } as Record<string, unknown>);
  mib.setScalarValue('lldpLocChassisId', macBytes(chassisMac));
  addRawTable(
    mib,
    '1.0.8802.1.1.2.1.3.7.1',
    [
      { number: 2, type: T.Integer },
      { number: 3, type: T.OctetString },
      { number: 4, type: T.OctetString },
    ],
    ports.map((p) => ({
      index: String(p.ifIndex),
      values: { 2: 5, 3: Buffer.from(p.name), 4: Buffer.from(p.name) },
    })),
  );
  addRawTable(
    mib,
    '1.0.8802.1.1.2.1.4.1.1',
    [4, 5, 6, 7, 9, 12].map((number) => ({
      number,
      type: number === 4 || number === 6 ? T.Integer : T.OctetString,
    })),
    neighbours.map((n, i) => ({
      index: `0.${n.ifIndex}.${i + 1}`,
      values: {
        4: 4, // chassis id subtype: macAddress
        5: macBytes(n.chassisMac),
        6: 5, // port id subtype: interfaceName
        7: Buffer.from(n.portId),
        9: Buffer.from(n.sysName),
        12: Buffer.from([n.capabilities.reduce((b, c) => b | CAP_BITS[c], 0), 0]),
      },
    })),
  );
  addRawTable(
    mib,
    '1.0.8802.1.1.2.1.4.2.1',
    [{ number: 3, type: T.Integer }],
    neighbours.flatMap((n, i) =>
      n.mgmtIp ? [{ index: `0.${n.ifIndex}.${i + 1}.1.4.${n.mgmtIp}`, values: { 3: 2 } }] : [],
    ),
  );
}

/** BRIDGE-MIB base address and port map, and the Q-BRIDGE-MIB forwarding table (VLAN 1) with learnt MACs. */
export function addBridge(
  mib: Mib,
  bridgeMac: string,
  ports: readonly SimPort[],
  fdb: readonly { mac: string; ifIndex: number }[],
): void {
  mib.registerProvider({
    name: 'dot1dBaseBridgeAddress',
    type: snmp.MibProviderType.Scalar,
    oid: '1.3.6.1.2.1.17.1.1',
    scalarType: T.OctetString,
    maxAccess: RO,
  } as Record<string, unknown>);
  mib.setScalarValue('dot1dBaseBridgeAddress', macBytes(bridgeMac));
  addRawTable(
    mib,
    '1.3.6.1.2.1.17.1.4.1',
    [{ number: 2, type: T.Integer }],
    ports.map((p) => ({ index: String(p.ifIndex), values: { 2: p.ifIndex } })),
  );
  addRawTable(
    mib,
    '1.3.6.1.2.1.17.7.1.2.2.1',
    [
      { number: 2, type: T.Integer },
      { number: 3, type: T.Integer },
    ],
    [
      ...fdb.map((e) => ({ index: `1.${macIndex(e.mac)}`, values: { 2: e.ifIndex, 3: 3 } })),
      { index: `1.${macIndex(bridgeMac)}`, values: { 2: 0, 3: 4 } }, // the bridge's own MAC: status self
    ],
  );
}

/** IP-MIB ipNetToPhysicalTable (the ARP cache) on one interface. */
export function addArp(mib: Mib, ifIndex: number, entries: readonly { ip: string; mac: string }[]): void {
  addRawTable(
    mib,
    '1.3.6.1.2.1.4.35.1',
    [{ number: 4, type: T.OctetString }],
    entries.map((e) => ({ index: `${ifIndex}.1.4.${e.ip}`, values: { 4: macBytes(e.mac) } })),
  );
}
