/**
 * What a discovered SNMP host probably is, from its sysObjectID (and sysDescr where one vendor makes many kinds
 * of gear): the one table to extend. Longest prefix wins; `descr` patterns of the matched row, then the
 * generic ones, refine the type. `profile` names an agent SNMP profile only where the agent's own choice from
 * sysObjectID would miss it (UniFi access points answer with Net-SNMP's id).
 */

export const DISCOVERED_TYPES = [
  'switch',
  'router',
  'access_point',
  'firewall',
  'server',
  'ups',
  'printer',
  'camera',
  'other',
] as const;
export type DiscoveredType = (typeof DISCOVERED_TYPES)[number];

export interface VendorRow {
  /** sysObjectID prefix (an enterprise, or one product line under it). */
  prefix: string;
  vendor: string;
  type?: DiscoveredType;
  profile?: string;
  /** Checked in order against sysDescr; the first match sets the type. */
  descr?: readonly (readonly [RegExp, DiscoveredType])[];
}

const ent = (n: number, rest = '') => `1.3.6.1.4.1.${n}${rest}`;

/** Cisco makes every kind of gear under 1.3.6.1.4.1.9: sysDescr tells them apart. */
const CISCO_DESCR = [
  [/Adaptive Security Appliance|Firepower|\bASA\b/i, 'firewall'],
  [/Aironet|Cisco AP Software|C9\d{3}AX?I|Access Point|Wireless LAN Controller/i, 'access_point'],
  // Catalyst model numbers: 2950/2960, 35xx-38xx, 45xx/49xx, 65xx, 92xx-96xx
  [/Catalyst|\bC(29[56]\d|3[5-8]\d\d|4[59]\d\d|65\d\d|9[2-6]\d\d)|Nexus|\b(SG|CBS)\d{3}|Switch/i, 'switch'],
  // ISR model numbers: 8xx, 19xx, 29[0-2]x, 39xx, 4[2-4]xx
  [/\bISR|\bC(8\d\d|19\d\d|29[0-2]\d|39\d\d|4[2-4]\d\d)\b|\bASR|Router|IOS XR/i, 'router'],
] as const;

export const VENDOR_TABLE: readonly VendorRow[] = [
  { prefix: ent(9), vendor: 'Cisco', type: 'switch', descr: CISCO_DESCR },
  { prefix: ent(9, '.1.516'), vendor: 'Cisco', type: 'switch' }, // Catalyst 3750
  { prefix: ent(9, '.1.1208'), vendor: 'Cisco', type: 'switch' }, // Catalyst 2960
  { prefix: ent(9, '.1.745'), vendor: 'Cisco', type: 'firewall' }, // ASA 5510
  { prefix: ent(29671), vendor: 'Cisco Meraki', type: 'access_point' },
  {
    prefix: ent(2636),
    vendor: 'Juniper',
    type: 'router',
    descr: [
      [/\bEX\d|QFX/i, 'switch'],
      [/\bSRX/i, 'firewall'],
    ],
  },
  { prefix: ent(30065), vendor: 'Arista', type: 'switch' },
  {
    prefix: ent(11),
    vendor: 'HPE',
    type: 'switch',
    descr: [
      [/JetDirect|LaserJet|OfficeJet|PageWide|Printer/i, 'printer'],
      [/ProLiant|iLO/i, 'server'],
    ],
  },
  { prefix: ent(11, '.2.3.9'), vendor: 'HP', type: 'printer' },
  { prefix: ent(25506), vendor: 'HPE (H3C)', type: 'switch' },
  {
    prefix: ent(14823),
    vendor: 'Aruba',
    type: 'access_point',
    descr: [
      [/Switch/i, 'switch'],
      [/Controller/i, 'access_point'],
    ],
  },
  { prefix: ent(47196), vendor: 'Aruba', type: 'switch' },
  {
    prefix: ent(2011),
    vendor: 'Huawei',
    type: 'switch',
    descr: [
      [/\bAR\d|Router/i, 'router'],
      [/USG|Firewall/i, 'firewall'],
      [/\bAP\d|AirEngine/i, 'access_point'],
    ],
  },
  { prefix: ent(41112), vendor: 'Ubiquiti', type: 'access_point', profile: 'ubiquiti-unifi' },
  { prefix: ent(4413), vendor: 'Ubiquiti', type: 'switch', descr: [[/EdgeRouter|EdgeOS/i, 'router']] },
  {
    prefix: ent(14988),
    vendor: 'MikroTik',
    type: 'router',
    descr: [
      [/CRS\d|Switch/i, 'switch'],
      [/cAP|wAP|hAP/i, 'access_point'],
    ],
  },
  {
    prefix: ent(12356),
    vendor: 'Fortinet',
    type: 'firewall',
    descr: [
      [/FortiSwitch/i, 'switch'],
      [/FortiAP/i, 'access_point'],
    ],
  },
  { prefix: ent(25461), vendor: 'Palo Alto Networks', type: 'firewall' },
  { prefix: ent(2620), vendor: 'Check Point', type: 'firewall' },
  { prefix: ent(8741), vendor: 'SonicWall', type: 'firewall' },
  { prefix: ent(3097), vendor: 'WatchGuard', type: 'firewall' },
  { prefix: ent(21067), vendor: 'Sophos', type: 'firewall' },
  { prefix: ent(25053), vendor: 'Ruckus', type: 'access_point', descr: [[/ICX|Switch/i, 'switch']] },
  { prefix: ent(17713), vendor: 'Cambium Networks', type: 'access_point' },
  { prefix: ent(1916), vendor: 'Extreme Networks', type: 'switch' },
  { prefix: ent(1588), vendor: 'Brocade', type: 'switch' },
  { prefix: ent(6027), vendor: 'Dell', type: 'switch' },
  { prefix: ent(674), vendor: 'Dell', type: 'server', descr: [[/PowerConnect|Switch/i, 'switch']] },
  { prefix: ent(207), vendor: 'Allied Telesis', type: 'switch' },
  { prefix: ent(6486), vendor: 'Alcatel-Lucent', type: 'switch' },
  {
    prefix: ent(11863),
    vendor: 'TP-Link',
    type: 'switch',
    descr: [
      [/EAP\d|Access Point/i, 'access_point'],
      [/ER\d{3,4}|Router/i, 'router'],
    ],
  },
  { prefix: ent(171), vendor: 'D-Link', type: 'switch' },
  {
    prefix: ent(890),
    vendor: 'Zyxel',
    type: 'switch',
    descr: [
      [/USG|ATP|Firewall/i, 'firewall'],
      [/NWA|WAX|WAC/i, 'access_point'],
    ],
  },
  {
    prefix: ent(4526),
    vendor: 'Netgear',
    type: 'switch',
    descr: [[/WAC\d|WAX\d|Access Point/i, 'access_point']],
  },
  { prefix: ent(318), vendor: 'APC', type: 'ups' },
  { prefix: ent(534), vendor: 'Eaton', type: 'ups' },
  { prefix: ent(705), vendor: 'MGE', type: 'ups' },
  { prefix: ent(3808), vendor: 'CyberPower', type: 'ups' },
  { prefix: ent(476), vendor: 'Vertiv', type: 'ups' },
  { prefix: ent(935), vendor: 'PPC', type: 'ups' },
  { prefix: ent(4555), vendor: 'Socomec', type: 'ups' },
  { prefix: ent(5491), vendor: 'Riello', type: 'ups' },
  { prefix: ent(850), vendor: 'Tripp Lite', type: 'ups' },
  { prefix: ent(2435), vendor: 'Brother', type: 'printer' },
  { prefix: ent(1602), vendor: 'Canon', type: 'printer' },
  { prefix: ent(253), vendor: 'Xerox', type: 'printer' },
  { prefix: ent(641), vendor: 'Lexmark', type: 'printer' },
  { prefix: ent(367), vendor: 'Ricoh', type: 'printer' },
  { prefix: ent(1347), vendor: 'Kyocera', type: 'printer' },
  { prefix: ent(1248), vendor: 'Epson', type: 'printer' },
  { prefix: ent(18334), vendor: 'Konica Minolta', type: 'printer' },
  { prefix: ent(39165), vendor: 'Hikvision', type: 'camera' },
  { prefix: ent(1004849), vendor: 'Dahua', type: 'camera' },
  { prefix: ent(368), vendor: 'Axis', type: 'camera' },
  { prefix: ent(36849), vendor: 'Hanwha Vision', type: 'camera' },
  { prefix: ent(311), vendor: 'Microsoft', type: 'server' },
  { prefix: ent(6876), vendor: 'VMware', type: 'server' },
  { prefix: ent(6574), vendor: 'Synology', type: 'server' },
  { prefix: ent(24681), vendor: 'QNAP', type: 'server' },
  { prefix: ent(8072), vendor: 'Net-SNMP', type: 'server' },
  { prefix: ent(2021), vendor: 'Net-SNMP', type: 'server' },
];

/** Patterns of sysDescr that tell the type whatever the vendor (Linux boxes answer with Net-SNMP's id). */
const GENERIC_DESCR: readonly (readonly [RegExp, DiscoveredType])[] = [
  [/\bUPS\b|Smart-UPS|PowerChute/i, 'ups'],
  [/UniFi|\bU6-|\bUAP\b/i, 'access_point'],
  [/printer|LaserJet|JetDirect/i, 'printer'],
  [/camera|IPC|\bNVR\b|Network Video/i, 'camera'],
  [/pfSense|OPNsense|firewall/i, 'firewall'],
  [/OpenWrt|RouterOS|EdgeOS|VyOS/i, 'router'],
];

export interface DeviceGuess {
  vendor?: string;
  type: DiscoveredType;
  /** An agent SNMP profile to name on the device (else the agent chooses from sysObjectID). */
  profile?: string;
}

function under(oid: string, prefix: string): boolean {
  return oid === prefix || oid.startsWith(`${prefix}.`);
}

/** The best guess for a host's vendor, type and profile from its sysObjectID and sysDescr. */
export function guessDevice(
  sysObjectId: string | undefined,
  sysDescr = '',
  table: readonly VendorRow[] = VENDOR_TABLE,
): DeviceGuess {
  const oid = (sysObjectId ?? '').replace(/^\./, '');
  let row: VendorRow | undefined;
  for (const r of table)
    if (oid && under(oid, r.prefix) && (!row || r.prefix.length > row.prefix.length)) row = r;
  const patterns = [...(row?.descr ?? []), ...GENERIC_DESCR];
  const byDescr = sysDescr ? patterns.find(([re]) => re.test(sysDescr))?.[1] : undefined;
  const generic = row?.type === 'server' && row.vendor === 'Net-SNMP';
  const type = (row?.descr || generic ? byDescr : undefined) ?? row?.type ?? byDescr ?? 'other';
  const profile =
    row?.profile ??
    (type === 'access_point' && /UniFi|\bUAP\b|\bU6-/i.test(sysDescr) ? 'ubiquiti-unifi' : undefined);
  return {
    ...(row ? { vendor: row.vendor } : {}),
    type,
    ...(profile ? { profile } : {}),
  };
}
