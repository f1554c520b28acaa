import { TOPOLOGY_LIMITS, type TopologyEventMessage } from '@outpost/protocol';
import { SnmpType, type SnmpVarbind } from '../snmp/types.js';
import { asNumber, asText, byInstance, isMissing } from '../snmp/values.js';
import { BRIDGE, CDP, CDP_CACHE, IF, LLDP, LLDP_REM, TOPOLOGY_WALKS, type TopologyWalk } from './mibs.js';

type TopologyEvent = TopologyEventMessage;
export type TopologyFacts = Omit<TopologyEvent, 'type' | 'ts' | 'device_id'>;

export interface TopologyInput {
  scalars: ReadonlyMap<string, SnmpVarbind>;
  walks: ReadonlyMap<TopologyWalk, readonly SnmpVarbind[]>;
  /** Walks cut at their row bound. */
  truncated?: readonly string[];
  errors?: readonly string[];
}

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** Six octets as `aa:bb:cc:dd:ee:ff`; undefined for anything else (or all zeros). */
export function macOf(vb: SnmpVarbind | undefined): string | undefined {
  if (isMissing(vb) || !Buffer.isBuffer(vb!.value)) return undefined;
  return macOfBytes(vb!.value);
}

export function macOfBytes(b: Uint8Array): string | undefined {
  if (b.length !== 6 || b.every((x) => x === 0)) return undefined;
  return [...b].map(hex2).join(':');
}

/** A MAC written in an OID index: six decimal sub-identifiers. */
function macOfIndex(parts: readonly string[]): string | undefined {
  if (parts.length !== 6) return undefined;
  const n = parts.map(Number);
  if (n.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  return macOfBytes(Uint8Array.from(n));
}

/** An OCTET STRING as printable text when it is, else as hex (`00:1a:...`). */
function idText(
  vb: SnmpVarbind | undefined,
  subtype: number | undefined,
  macSubtype: number,
): string | undefined {
  if (isMissing(vb)) return undefined;
  const v = vb!.value;
  if (Buffer.isBuffer(v)) {
    if (subtype === macSubtype || (v.length === 6 && !/^[\x20-\x7e]{6}$/.test(v.toString('latin1'))))
      return macOfBytes(v) ?? [...v].map(hex2).join(':');
    const t = v.toString('utf8').replace(/\0+$/, '');
    return /^[\x20-\x7e\u00a0-\uffff]*$/.test(t) ? t.slice(0, 255) : [...v].map(hex2).join(':').slice(0, 255);
  }
  return asText(vb)?.slice(0, 255);
}

/** An IPv4 address in an OID index (four sub-identifiers) or OCTET STRING of 4 bytes. */
function ipv4(parts: readonly number[] | Uint8Array): string | undefined {
  if (parts.length !== 4 || [...parts].some((x) => x < 0 || x > 255)) return undefined;
  return [...parts].join('.');
}

/** LLDP system capabilities (a BITS value): bit 0 other, 1 repeater, 2 bridge, 3 wlan-access-point, ... */
const CAPABILITIES = [
  'other',
  'repeater',
  'bridge',
  'wlan-access-point',
  'router',
  'telephone',
  'docsis',
  'station',
];
function capabilities(vb: SnmpVarbind | undefined): string[] | undefined {
  if (isMissing(vb) || !Buffer.isBuffer(vb!.value)) return undefined;
  const b = vb!.value;
  const out: string[] = [];
  CAPABILITIES.forEach((name, bit) => {
    if (((b[0] ?? 0) >> (7 - bit)) & 1) out.push(name);
  });
  return out;
}

/** Rows of a walked table entry by column number: `column -> instance -> varbind`. */
function columns(
  varbinds: readonly SnmpVarbind[] | undefined,
  entry: string,
): Map<number, Map<string, SnmpVarbind>> {
  const out = new Map<number, Map<string, SnmpVarbind>>();
  for (const vb of varbinds ?? []) {
    if (!vb.oid.startsWith(`${entry}.`)) continue;
    const rest = vb.oid.slice(entry.length + 1);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const col = Number(rest.slice(0, dot));
    let m = out.get(col);
    if (!m) {
      m = new Map();
      out.set(col, m);
    }
    m.set(rest.slice(dot + 1), vb);
  }
  return out;
}

/**
 * Turns one read of the topology MIBs into a `topology` event's facts: pure, so that each vendor's quirks are
 * a table row in the tests. LLDP local port numbers are mapped to ifIndex through the port's id or description
 * matching an interface name (LLDP-MIB leaves the numbering to the device), else taken as the ifIndex itself.
 */
export function parseTopology(input: TopologyInput): TopologyFacts {
  const w = (name: TopologyWalk) => input.walks.get(name);
  const truncated = new Set(input.truncated ?? []);

  // Interfaces.
  const names = byInstance(w('ifName'), IF.name);
  const descrs = byInstance(w('ifDescr'), IF.descr);
  const macs = byInstance(w('ifPhysAddress'), IF.physAddress);
  const indexes = new Set(
    [...names.keys(), ...descrs.keys(), ...macs.keys()].map(Number).filter(Number.isInteger),
  );
  const interfaces: TopologyFacts['interfaces'] = [];
  const ifByName = new Map<string, number>();
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const name = (asText(names.get(String(index))) || asText(descrs.get(String(index))))?.slice(0, 255);
    const mac = macOf(macs.get(String(index)));
    interfaces.push({ index, ...(name ? { name } : {}), ...(mac ? { mac } : {}) });
    for (const n of [asText(names.get(String(index))), asText(descrs.get(String(index)))])
      if (n && !ifByName.has(n)) ifByName.set(n, index);
  }
  if (interfaces.length > TOPOLOGY_LIMITS.interfaces) truncated.add('interfaces');
  const ifName = (index: number) => interfaces.find((i) => i.index === index)?.name;

  // LLDP local ports -> ifIndex.
  const locIds = byInstance(w('lldpLocPortId'), LLDP.locPortId);
  const locDescs = byInstance(w('lldpLocPortDesc'), LLDP.locPortDesc);
  const lldpPortIf = (portNum: string): number | undefined => {
    for (const vb of [locIds.get(portNum), locDescs.get(portNum)]) {
      const t = asText(vb);
      if (t && ifByName.has(t)) return ifByName.get(t);
    }
    const n = Number(portNum);
    return indexes.has(n) ? n : undefined;
  };
  const lldpPortName = (portNum: string) => asText(locDescs.get(portNum)) || asText(locIds.get(portNum));

  const neighbours: TopologyFacts['neighbours'] = [];
  // LLDP management addresses: index (timeMark, localPort, remIndex, addrSubtype, len, addr...).
  const manAddr = new Map<string, string>();
  for (const vb of w('lldpManAddr') ?? []) {
    const parts = vb.oid
      .slice(LLDP.remManAddrIfSubtype.length + 1)
      .split('.')
      .map(Number);
    const [, port, rem, subtype, len, ...addr] = parts;
    if (subtype === 1 && len === 4) {
      const ip = ipv4(addr.slice(0, 4));
      const key = `${port}.${rem}`;
      if (ip && !manAddr.has(key)) manAddr.set(key, ip);
    }
  }
  const rem = columns(w('lldpRem'), LLDP.remEntry);
  for (const [instance, chassisVb] of rem.get(LLDP_REM.chassisId) ?? []) {
    const [, port, remIndex] = instance.split('.');
    if (port === undefined) continue;
    const col = (c: number) => rem.get(c)?.get(instance);
    const localIf = lldpPortIf(port);
    const localName = localIf !== undefined ? ifName(localIf) : lldpPortName(port);
    const n: TopologyFacts['neighbours'][number] = { protocol: 'lldp' };
    if (localIf !== undefined) n.local_if = localIf;
    if (localName) n.local_port = localName.slice(0, 255);
    const chassis = idText(chassisVb, asNumber(col(LLDP_REM.chassisIdSubtype)), 4);
    if (chassis) n.chassis_id = chassis;
    const portId = idText(col(LLDP_REM.portId), asNumber(col(LLDP_REM.portIdSubtype)), 3);
    if (portId) n.port_id = portId;
    const portDescr = asText(col(LLDP_REM.portDesc))?.slice(0, 255);
    if (portDescr) n.port_descr = portDescr;
    const sysName = asText(col(LLDP_REM.sysName))?.slice(0, 255);
    if (sysName) n.sys_name = sysName;
    const sysDescr = asText(col(LLDP_REM.sysDesc))?.slice(0, 1024);
    if (sysDescr) n.sys_descr = sysDescr;
    const mgmt = manAddr.get(`${port}.${remIndex}`);
    if (mgmt) n.mgmt_ip = mgmt;
    const caps = capabilities(col(LLDP_REM.sysCapEnabled));
    if (caps?.length) n.capabilities = caps;
    neighbours.push(n);
  }
  // CDP cache: index (ifIndex, deviceIndex).
  const cdp = columns(w('cdp'), CDP.cacheEntry);
  for (const [instance, idVb] of cdp.get(CDP_CACHE.deviceId) ?? []) {
    const [ifIndex] = instance.split('.').map(Number);
    const col = (c: number) => cdp.get(c)?.get(instance);
    const n: TopologyFacts['neighbours'][number] = { protocol: 'cdp' };
    if (ifIndex !== undefined && Number.isInteger(ifIndex)) {
      n.local_if = ifIndex;
      const name = ifName(ifIndex);
      if (name) n.local_port = name;
    }
    const id = asText(idVb)?.slice(0, 255);
    if (id) n.chassis_id = id;
    const port = asText(col(CDP_CACHE.devicePort))?.slice(0, 255);
    if (port) n.port_id = port;
    const platform = asText(col(CDP_CACHE.platform))?.slice(0, 1024);
    if (platform) n.sys_descr = platform;
    // CDP names the far end by its device id, which is usually its hostname (with a domain).
    if (id) n.sys_name = id.replace(/\(.*\)$/, '').slice(0, 255);
    const addr = col(CDP_CACHE.address);
    // cdpCacheAddressType 1: ip (4 octets).
    if (asNumber(col(CDP_CACHE.addressType)) === 1 && Buffer.isBuffer(addr?.value)) {
      const ip = ipv4(addr!.value as Buffer);
      if (ip) n.mgmt_ip = ip;
    }
    neighbours.push(n);
  }
  if (neighbours.length > TOPOLOGY_LIMITS.neighbours) truncated.add('neighbours');

  // Forwarding table: Q-BRIDGE (with VLANs) when the device has it, else BRIDGE-MIB.
  const portIf = byInstance(w('basePortIfIndex'), BRIDGE.basePortIfIndex);
  const ifOfPort = (port: number) => asNumber(portIf.get(String(port)));
  const fdb: TopologyFacts['fdb'] = [];
  const seen = new Set<string>();
  const addFdb = (
    mac: string | undefined,
    port: number | undefined,
    vlan: number | undefined,
    status: number | undefined,
  ) => {
    // dot1dTpFdbStatus: 3 learned (4 self and 5 mgmt are the bridge's own; 1 other, 2 invalid).
    if (!mac || port === undefined || port === 0 || (status !== undefined && status !== 3)) return;
    const key = `${mac}/${vlan ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const ifIndex = ifOfPort(port);
    fdb.push({
      mac,
      bridge_port: port,
      ...(ifIndex !== undefined ? { if_index: ifIndex } : {}),
      ...(vlan !== undefined ? { vlan } : {}),
    });
  };
  const qPort = w('qFdbPort') ?? [];
  if (qPort.length > 0) {
    const status = byInstance(w('qFdbStatus'), BRIDGE.qTpFdbStatus);
    for (const vb of qPort) {
      const idx = vb.oid.slice(BRIDGE.qTpFdbPort.length + 1);
      const [fdbId, ...mac] = idx.split('.');
      const vlan = Number(fdbId);
      addFdb(
        macOfIndex(mac),
        asNumber(vb),
        vlan >= 0 && vlan <= 4095 ? vlan : undefined,
        asNumber(status.get(idx)),
      );
    }
    if (truncated.has('qFdbPort')) truncated.add('fdb');
  } else {
    const status = byInstance(w('fdbStatus'), BRIDGE.tpFdbStatus);
    for (const vb of w('fdbPort') ?? []) {
      const idx = vb.oid.slice(BRIDGE.tpFdbPort.length + 1);
      addFdb(macOfIndex(idx.split('.')), asNumber(vb), undefined, asNumber(status.get(idx)));
    }
    if (truncated.has('fdbPort')) truncated.add('fdb');
  }
  if (fdb.length > TOPOLOGY_LIMITS.fdb) truncated.add('fdb');

  // ARP: ipNetToPhysical (index ifIndex, type 1 ipv4, length 4, address) or ipNetToMedia (ifIndex, a.b.c.d).
  const arp: TopologyFacts['arp'] = [];
  const arpSeen = new Set<string>();
  for (const vb of w('arpPhysical') ?? []) {
    const [ifIndex, type, len, ...addr] = vb.oid
      .slice(TOPOLOGY_WALKS.arpPhysical.length + 1)
      .split('.')
      .map(Number);
    const ip = type === 1 && len === 4 ? ipv4(addr) : undefined;
    const mac = macOf(vb);
    if (ip && mac && !arpSeen.has(ip)) {
      arpSeen.add(ip);
      arp.push({ ip, mac, ...(ifIndex !== undefined ? { if_index: ifIndex } : {}) });
    }
  }
  for (const vb of w('arpMedia') ?? []) {
    const [ifIndex, ...addr] = vb.oid
      .slice(TOPOLOGY_WALKS.arpMedia.length + 1)
      .split('.')
      .map(Number);
    const ip = ipv4(addr);
    const mac = macOf(vb);
    if (ip && mac && !arpSeen.has(ip)) {
      arpSeen.add(ip);
      arp.push({ ip, mac, ...(ifIndex !== undefined ? { if_index: ifIndex } : {}) });
    }
  }
  if (arp.length > TOPOLOGY_LIMITS.arp) truncated.add('arp');

  const out: TopologyFacts = {
    interfaces: interfaces.slice(0, TOPOLOGY_LIMITS.interfaces),
    neighbours: neighbours.slice(0, TOPOLOGY_LIMITS.neighbours),
    fdb: fdb.slice(0, TOPOLOGY_LIMITS.fdb),
    arp: arp.slice(0, TOPOLOGY_LIMITS.arp),
  };
  const chassis = idText(
    input.scalars.get(LLDP.locChassisId),
    asNumber(input.scalars.get(LLDP.locChassisIdSubtype)),
    4,
  );
  if (chassis) out.chassis_id = chassis;
  const bridge = macOf(input.scalars.get(BRIDGE.baseBridgeAddress));
  if (bridge) out.bridge_mac = bridge;
  const cut = [...truncated].filter((t) => ['interfaces', 'neighbours', 'fdb', 'arp'].includes(t));
  if (cut.length) out.truncated = cut;
  if (input.errors?.length) out.errors = input.errors.slice(0, 8).map((e) => e.slice(0, 512));
  return out;
}

export { SnmpType };
