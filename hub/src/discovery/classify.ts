import type { DiscoveredHost } from '@outpost/protocol';

export interface InventoryDevice {
  id: number;
  name: string;
  ip_address: string;
  mac_address: string | null;
  sys_name: string | null;
  sys_object_id: string | null;
}

export interface InventoryCamera {
  id: number;
  name: string;
  ip_address: string;
  mac_address: string | null;
}

export type MatchedBy = 'mac' | 'ip' | 'sys_name';

export interface HostStatus {
  /** `new`: nothing of the site matches; `existing`: a device or camera matches and agrees; `changed`: it matches but differs. */
  status: 'new' | 'existing' | 'changed';
  match?: { kind: 'device' | 'camera'; id: number; name: string; by: MatchedBy };
  changes: {
    field: 'ip_address' | 'mac_address' | 'sys_name' | 'sys_object_id';
    was: string | null;
    now: string;
  }[];
}

const lower = (s: string | null | undefined) => s?.trim().toLowerCase() || undefined;

/**
 * Whether a discovered host is already in the site's inventory, matched by MAC (the strongest identity), then by
 * IP address, then by sysName; and what differs from what is stored when it is. Pure.
 */
export function classifyHost(
  host: DiscoveredHost,
  inv: { devices: readonly InventoryDevice[]; cameras: readonly InventoryCamera[] },
): HostStatus {
  const candidates: { kind: 'device' | 'camera'; row: InventoryDevice | InventoryCamera }[] = [
    ...inv.devices.map((row) => ({ kind: 'device' as const, row })),
    ...inv.cameras.map((row) => ({ kind: 'camera' as const, row })),
  ];
  const sysName = lower(host.snmp?.sys.name);
  const find = (): [MatchedBy, (typeof candidates)[number]] | undefined => {
    if (host.mac) {
      const m = candidates.find((c) => c.row.mac_address?.toLowerCase() === host.mac);
      if (m) return ['mac', m];
    }
    const byIp = candidates.find((c) => c.row.ip_address === host.ip);
    if (byIp) return ['ip', byIp];
    if (sysName) {
      const m = candidates.find(
        (c) => c.kind === 'device' && lower((c.row as InventoryDevice).sys_name) === sysName,
      );
      if (m) return ['sys_name', m];
    }
    return undefined;
  };
  const found = find();
  if (!found) return { status: 'new', changes: [] };
  const [by, { kind, row }] = found;
  const changes: HostStatus['changes'] = [];
  if (row.ip_address !== host.ip) changes.push({ field: 'ip_address', was: row.ip_address, now: host.ip });
  if (host.mac && row.mac_address && row.mac_address.toLowerCase() !== host.mac)
    changes.push({ field: 'mac_address', was: row.mac_address, now: host.mac });
  if (kind === 'device') {
    const d = row as InventoryDevice;
    if (host.snmp?.sys.name && d.sys_name && d.sys_name !== host.snmp.sys.name)
      changes.push({ field: 'sys_name', was: d.sys_name, now: host.snmp.sys.name });
    if (host.snmp?.sys.object_id && d.sys_object_id && d.sys_object_id !== host.snmp.sys.object_id)
      changes.push({ field: 'sys_object_id', was: d.sys_object_id, now: host.snmp.sys.object_id });
  }
  return {
    status: changes.length > 0 ? 'changed' : 'existing',
    match: { kind, id: row.id, name: row.name, by },
    changes,
  };
}

/** The RTSP path of a camera's main stream by maker (docs/cameras.md), for cameras accepted from discovery. */
const RTSP_PATHS: readonly [RegExp, string][] = [
  [/hikvision|^DS-/i, '/Streaming/Channels/101'],
  [/dahua|^IPC-/i, '/cam/realmonitor?channel=1&subtype=0'],
  [/axis/i, '/axis-media/media.amp'],
  [/hanwha|samsung|wisenet/i, '/profile2/media.smp'],
  [/uniview|^IPC\d/i, '/media/video1'],
  [/reolink/i, '/h264Preview_01_main'],
  [/ubiquiti|unifi/i, '/live'],
];

/** The stream path to try for a discovered camera: by its maker (SNMP vendor, ONVIF hardware or name), else `/`. */
export function guessRtspPath(host: DiscoveredHost): string {
  const hints = [host.guess.vendor, host.onvif?.hardware, host.onvif?.name].filter((h): h is string => !!h);
  for (const [re, path] of RTSP_PATHS) if (hints.some((h) => re.test(h))) return path;
  return '/';
}
