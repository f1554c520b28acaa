import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { formatIpv4, type Ipv4Range, inRange, parseCidr4, parseIpv4 } from '@outpost/protocol';

/** One entry of the kernel's neighbour (ARP) table. */
export interface Neighbour {
  ip: string;
  mac: string;
  interface: string;
}

/**
 * Parses /proc/net/arp: `IP address  HW type  Flags  HW address  Mask  Device`; only complete entries
 * (flag 0x2) with a real MAC count.
 */
export function parseProcArp(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [ip, , flags, mac, , dev] = line.trim().split(/\s+/);
    if (!ip || !mac || !dev || !flags) continue;
    if ((Number.parseInt(flags, 16) & 0x2) === 0) continue;
    const m = mac.toLowerCase();
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m) || m === '00:00:00:00:00:00') continue;
    out.push({ ip, mac: m, interface: dev });
  }
  return out;
}

/** An address of /proc/net/route: 8 hex digits in the host's (little-endian) byte order. */
function routeAddress(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return formatIpv4(
    (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0,
  );
}

/** Default gateways (destination 0.0.0.0/0 with the gateway flag) from /proc/net/route. */
export function parseProcRoute(text: string): { ip: string; interface: string }[] {
  const out: { ip: string; interface: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [iface, dest, gw, flags, , , , mask] = line.trim().split(/\s+/);
    if (!iface || !dest || !gw || !flags || !mask) continue;
    const RTF_UP_GATEWAY = 0x3;
    if (
      dest === '00000000' &&
      mask === '00000000' &&
      (Number.parseInt(flags, 16) & RTF_UP_GATEWAY) === RTF_UP_GATEWAY
    )
      out.push({ ip: routeAddress(gw), interface: iface });
  }
  return out;
}

export async function readNeighbours(file = '/proc/net/arp'): Promise<Neighbour[]> {
  try {
    return parseProcArp(await readFile(file, 'utf8'));
  } catch {
    return []; // not Linux, or /proc hidden: no MACs, the sweep still works
  }
}

export async function readGateways(file = '/proc/net/route'): Promise<{ ip: string; interface: string }[]> {
  try {
    return parseProcRoute(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
}

/** One IPv4 address of this machine with its subnet and interface. */
export interface LocalAddress {
  interface: string;
  address: string;
  mac?: string;
  subnet: Ipv4Range;
}

/** This machine's non-loopback IPv4 addresses. */
export function localAddresses(ifaces = os.networkInterfaces()): LocalAddress[] {
  const out: LocalAddress[] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal || !a.cidr) continue;
      const subnet = parseCidr4(a.cidr);
      if ('error' in subnet) continue;
      out.push({
        interface: name,
        address: a.address,
        ...(a.mac && a.mac !== '00:00:00:00:00:00' ? { mac: a.mac.toLowerCase() } : {}),
        subnet,
      });
    }
  }
  return out;
}

/** The local addresses whose subnet meets one of the ranges: the links a multicast probe must go out on. */
export function addressesFacing(
  ranges: readonly Ipv4Range[],
  local: readonly LocalAddress[],
): LocalAddress[] {
  return local.filter((l) => ranges.some((r) => inRange(r.base, l.subnet) || inRange(l.subnet.base, r)));
}

/** Parses an IPv4 address into its number, for callers that hold text. */
export const ipNumber = parseIpv4;
