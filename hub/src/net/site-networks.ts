import ipaddr from 'ipaddr.js';

/** The default of `discoveryAllowedNetworks`: private (RFC 1918), shared (RFC 6598) and unique local ranges. */
export const PRIVATE_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
];

type Network = { text: string; addr: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

/** Pure: the networks of a list of addresses or CIDR ranges; throws naming the entry that is neither. */
export function parseNetworks(entries: readonly string[]): Network[] {
  return entries.map((text) => {
    const t = text.trim();
    if (t.includes('/')) {
      if (!ipaddr.isValidCIDR(t)) throw new Error(`"${text}" is not a CIDR range`);
      const [addr, bits] = ipaddr.parseCIDR(t);
      return { text: t, addr, bits };
    }
    if (!ipaddr.isValid(t)) throw new Error(`"${text}" is not an IP address or CIDR range`);
    const addr = ipaddr.parse(t);
    return { text: t, addr, bits: addr.kind() === 'ipv6' ? 128 : 32 };
  });
}

/** An address as ipaddr parses it, IPv4-mapped IPv6 taken as its IPv4 address; undefined when not an address. */
function address(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(t) ? ipaddr.process(t) : undefined;
}

/**
 * The networks where the hub lets an agent send credentials on a non-admin's word (`discoveryAllowedNetworks`):
 * discovery sweeps, and devices or cameras that reference a credential set. Pure, no I/O.
 */
export class SiteNetworks {
  private readonly networks: Network[];

  constructor(entries: readonly string[]) {
    this.networks = parseNetworks(entries);
  }

  /** The allowed networks, as configured. */
  get list(): string[] {
    return this.networks.map((n) => n.text);
  }

  /** Whether the address (a literal, IPv4 or IPv6) lies inside one allowed network. */
  containsAddress(text: string): boolean {
    const a = address(text);
    return (
      a !== undefined && this.networks.some((n) => n.addr.kind() === a.kind() && a.match(n.addr, n.bits))
    );
  }

  /** Whether the whole range `base/prefix` (or one address) lies inside one allowed network. */
  containsRange(cidr: string): boolean {
    const [base = '', len] = cidr.trim().split('/');
    const a = address(base);
    if (!a) return false;
    const prefix = len === undefined ? (a.kind() === 'ipv6' ? 128 : 32) : Number(len);
    return this.networks.some(
      (n) => n.addr.kind() === a.kind() && prefix >= n.bits && a.match(n.addr, n.bits),
    );
  }

  /** Why a target is refused, for error messages. */
  outside(what: string): string {
    return `${what} is outside discoveryAllowedNetworks (${this.list.join(', ') || 'none'}); an admin can widen the hub setting`;
  }
}

const cache = new WeakMap<object, SiteNetworks>();

/** The SiteNetworks of a hub configuration (built once per configuration object). */
export function siteNetworks(config: { discoveryAllowedNetworks: readonly string[] }): SiteNetworks {
  let n = cache.get(config);
  if (!n) {
    n = new SiteNetworks(config.discoveryAllowedNetworks);
    cache.set(config, n);
  }
  return n;
}
