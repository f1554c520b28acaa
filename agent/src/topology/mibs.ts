// What the agent reads for topology, by MIB. Walked columns, not whole tables: fewer varbinds per device.

/** IF-MIB: names and MACs of the interfaces (RFC 2863). */
export const IF = {
  descr: '1.3.6.1.2.1.2.2.1.2',
  physAddress: '1.3.6.1.2.1.2.2.1.6',
  name: '1.3.6.1.2.1.31.1.1.1.1',
} as const;

/** LLDP-MIB (IEEE 802.1AB-2005): the local chassis and ports, and the remote systems seen on each port. */
export const LLDP = {
  locChassisIdSubtype: '1.0.8802.1.1.2.1.3.1.0',
  locChassisId: '1.0.8802.1.1.2.1.3.2.0',
  locPortId: '1.0.8802.1.1.2.1.3.7.1.3',
  locPortDesc: '1.0.8802.1.1.2.1.3.7.1.4',
  /** lldpRemEntry, indexed by (lldpRemTimeMark, lldpRemLocalPortNum, lldpRemIndex). */
  remEntry: '1.0.8802.1.1.2.1.4.1.1',
  /** lldpRemManAddrIfSubtype: the management address sits in the index. */
  remManAddrIfSubtype: '1.0.8802.1.1.2.1.4.2.1.3',
} as const;

/** lldpRemEntry columns. */
export const LLDP_REM = {
  chassisIdSubtype: 4,
  chassisId: 5,
  portIdSubtype: 6,
  portId: 7,
  portDesc: 8,
  sysName: 9,
  sysDesc: 10,
  sysCapEnabled: 12,
} as const;

/** CISCO-CDP-MIB cdpCacheEntry, indexed by (cdpCacheIfIndex, cdpCacheDeviceIndex). */
export const CDP = { cacheEntry: '1.3.6.1.4.1.9.9.23.1.2.1.1' } as const;
export const CDP_CACHE = { addressType: 3, address: 4, deviceId: 6, devicePort: 7, platform: 8 } as const;

/** BRIDGE-MIB (RFC 4188) and Q-BRIDGE-MIB (RFC 4363): the bridge and its forwarding tables. */
export const BRIDGE = {
  baseBridgeAddress: '1.3.6.1.2.1.17.1.1.0',
  basePortIfIndex: '1.3.6.1.2.1.17.1.4.1.2',
  tpFdbPort: '1.3.6.1.2.1.17.4.3.1.2',
  tpFdbStatus: '1.3.6.1.2.1.17.4.3.1.3',
  qTpFdbPort: '1.3.6.1.2.1.17.7.1.2.2.1.2',
  qTpFdbStatus: '1.3.6.1.2.1.17.7.1.2.2.1.3',
} as const;

/** IP-MIB (RFC 4293) ARP cache: the current table and the deprecated one many devices still answer. */
export const ARP = {
  netToPhysicalPhysAddress: '1.3.6.1.2.1.4.35.1.4',
  netToMediaPhysAddress: '1.3.6.1.2.1.4.22.1.2',
} as const;

/** Everything one topology read asks for. */
export const TOPOLOGY_SCALARS = [LLDP.locChassisIdSubtype, LLDP.locChassisId, BRIDGE.baseBridgeAddress];
export const TOPOLOGY_WALKS = {
  ifDescr: IF.descr,
  ifName: IF.name,
  ifPhysAddress: IF.physAddress,
  lldpLocPortId: LLDP.locPortId,
  lldpLocPortDesc: LLDP.locPortDesc,
  lldpRem: LLDP.remEntry,
  lldpManAddr: LLDP.remManAddrIfSubtype,
  cdp: CDP.cacheEntry,
  basePortIfIndex: BRIDGE.basePortIfIndex,
  fdbPort: BRIDGE.tpFdbPort,
  fdbStatus: BRIDGE.tpFdbStatus,
  qFdbPort: BRIDGE.qTpFdbPort,
  qFdbStatus: BRIDGE.qTpFdbStatus,
  arpPhysical: ARP.netToPhysicalPhysAddress,
  arpMedia: ARP.netToMediaPhysAddress,
} as const;
export type TopologyWalk = keyof typeof TOPOLOGY_WALKS;
