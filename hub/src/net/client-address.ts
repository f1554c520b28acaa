import { BlockList, isIP } from 'node:net';

export interface ProxyTrust {
  /** The hub sits behind a reverse proxy that appends the client's address to X-Forwarded-For. */
  trustProxy: boolean;
  /** Addresses or CIDR ranges of the proxies (empty: only the socket's peer is taken as the proxy). */
  trustedProxies: readonly string[];
}

/** A BlockList of addresses and CIDR ranges (`10.0.0.0/8`, `::1`). Throws naming a bad entry. */
export function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    if (family === 0) throw new Error(`trustedProxies: "${entry}" is not an IP address or CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
        throw new Error(`trustedProxies: "${entry}" has a bad prefix length`);
      list.addSubnet(addr, prefix, type);
    }
  }
  return list;
}

function strip(addr: string): string {
  const a = addr.trim().replace(/^\[(.*)\](:\d+)?$/, '$1');
  // "::ffff:192.0.2.1" (an IPv4 client on a dual-stack socket) is the IPv4 address.
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

function contains(list: BlockList, addr: string): boolean {
  const family = isIP(addr);
  return family !== 0 && list.check(addr, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Pure: the caller's address. Without `trustProxy` it is the socket's peer; X-Forwarded-For is ignored, since
 * anyone can send it. With `trustProxy`, the header is read from the right (each proxy appends the address it
 * saw), skipping the trusted proxies, and the first other hop is the client; what is left of it was written by
 * the client and is never believed. When `trustedProxies` is set, the header counts only if the socket's peer
 * is one of them.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trust: ProxyTrust,
  proxies: BlockList = proxyList(trust.trustedProxies),
): string {
  const direct = peer ? strip(peer) : 'unknown';
  if (!trust.trustProxy || !forwardedFor) return direct;
  const listed = trust.trustedProxies.length > 0;
  if (listed && !contains(proxies, direct)) return direct;
  const hops = forwardedFor
    .split(',')
    .map(strip)
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return direct; // garbage where an address should be: do not guess
    if (listed && contains(proxies, hop)) continue;
    return hop;
  }
  return direct;
}
