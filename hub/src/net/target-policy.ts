import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { proxyList } from './client-address.js';

/** A connection to a target the policy does not allow. */
export class TargetBlockedError extends Error {
  readonly code = 'ETARGETBLOCKED';
  constructor(host: string, address: string, why: string) {
    super(
      `${host} resolves to ${address} (${why}): not allowed as a notification target; ` +
        'allow it with the hub setting notifyAllowedNetworks',
    );
    this.name = 'TargetBlockedError';
  }
}

/** The IPv4 address an IPv6 one embeds (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedV4(addr: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = addr.range();
  const p = addr.parts;
  if (range === 'ipv4Mapped') return addr.toIPv4Address();
  if (range === 'rfc6052')
    return ipaddr.IPv4.parse(`${p[6]! >> 8}.${p[6]! & 255}.${p[7]! >> 8}.${p[7]! & 255}`);
  if (range === '6to4') return ipaddr.IPv4.parse(`${p[1]! >> 8}.${p[1]! & 255}.${p[2]! >> 8}.${p[2]! & 255}`);
  return undefined;
}

/**
 * Pure: why an address is not a public unicast one (`loopback`, `private`, `linkLocal`, `uniqueLocal`,
 * `carrierGradeNat`, `reserved`, `multicast`, `unspecified`, ...), or undefined for a public address.
 */
export function nonPublicRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6') {
    const v4 = embeddedV4(addr as ipaddr.IPv6);
    if (v4) addr = v4;
  }
  const range = addr.range();
  return range === 'unicast' ? undefined : range;
}

/**
 * Where the hub may send notifications: public unicast addresses, plus the networks an operator allows
 * (`notifyAllowedNetworks`, e.g. a relay at 10.0.5.25/32). Checked on the addresses a name resolves to, as
 * the connection is made (no second lookup an attacker's DNS could answer differently), so that a channel
 * cannot reach the hub's own machine, the site networks or a cloud metadata service.
 */
export class TargetPolicy {
  private readonly allowed;

  constructor(
    allowedNetworks: readonly string[] = [],
    private readonly resolve: typeof dnsLookup = dnsLookup,
  ) {
    this.allowed = proxyList(allowedNetworks);
  }

  /** Why `address` may not be reached, or undefined when it may. */
  refusal(address: string): string | undefined {
    const why = nonPublicRange(address);
    if (why === undefined) return undefined;
    if (why !== 'not an IP address') {
      const family = ipaddr.parse(address).kind() === 'ipv6' ? 'ipv6' : 'ipv4';
      if (this.allowed.check(address, family)) return undefined;
    }
    return why;
  }

  /**
   * Throws TargetBlockedError for an address literal that is not allowed (Node connects to a literal without
   * calling `lookup`); names are left to `lookup`.
   */
  checkLiteral(host: string): void {
    const h = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(h) === 0) return;
    const why = this.refusal(h);
    if (why) throw new TargetBlockedError(host, h, why);
  }

  /** A `lookup` for node:net/http/tls: resolves like dns.lookup, then refuses any address not allowed. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as (e: Error) => void)(err);
      const list = addresses as unknown as LookupAddress[];
      for (const a of list) {
        const why = this.refusal(a.address);
        if (why) return (callback as (e: Error) => void)(new TargetBlockedError(hostname, a.address, why));
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return (callback as (e: Error) => void)(new Error(`${hostname}: no address`));
      (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };

  /** Resolves a host (name or literal) to one allowed address; rejects with TargetBlockedError otherwise. */
  address(host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.lookup(host, { all: false }, ((err: Error | null, address: string) =>
        err ? reject(err) : resolve(address)) as never);
    });
  }
}
