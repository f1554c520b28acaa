/**
 * IPv4 ranges for discovery sweeps: pure arithmetic on 32-bit numbers. IPv6 ranges are not swept (a /64 holds
 * 2^64 addresses); IPv6 hosts are found through the neighbour tables instead.
 */

/** An IPv4 range: its first address as a 32-bit number and its prefix length. */
export interface Ipv4Range {
  base: number;
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The 32-bit number of a dotted-quad IPv4 address, or null. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The dotted quad of a 32-bit number. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/p` (host bits may be set: `192.0.2.7/24` is 192.0.2.0/24); a bare address is a /32. */
export function parseCidr4(text: string): Ipv4Range | { error: string } {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined)
    return { error: 'must be an IPv4 range such as 192.0.2.0/24' };
  if (addr.includes(':'))
    return { error: 'IPv6 ranges cannot be swept (a /64 holds 2^64 addresses); give IPv4 ranges' };
  const ip = parseIpv4(addr);
  if (ip === null) return { error: 'must be an IPv4 range such as 192.0.2.0/24' };
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : Number.NaN;
  if (!(prefix >= 0 && prefix <= 32)) return { error: 'prefix length must be 0 to 32' };
  return { base: prefix === 0 ? 0 : (ip & (~0 << (32 - prefix))) >>> 0, prefix };
}

/** Addresses in a range, network and broadcast included. */
export function rangeSize(r: Ipv4Range): number {
  return 2 ** (32 - r.prefix);
}

/** `192.0.2.0/24` */
export function formatRange(r: Ipv4Range): string {
  return `${formatIpv4(r.base)}/${r.prefix}`;
}

/**
 * The host addresses of a range in order: without the network and broadcast addresses for a /30 or wider (they
 * are no host's; a broadcast echo would make every host answer), all of them for a /31 (RFC 3021) or /32.
 */
export function hostAddresses(r: Ipv4Range): number[] {
  const size = rangeSize(r);
  const out: number[] = [];
  const first = size > 2 ? 1 : 0;
  const last = size > 2 ? size - 2 : size - 1;
  for (let i = first; i <= last; i++) out.push(r.base + i);
  return out;
}

/** Whether `ip` (a 32-bit number) lies in the range. */
export function inRange(ip: number, r: Ipv4Range): boolean {
  return r.prefix === 0 || ip >>> (32 - r.prefix) === r.base >>> (32 - r.prefix);
}

/**
 * Checks a list of ranges against a bound: each at most `maxAddresses` wide (a /22 holds 1,024), and together
 * at most `maxTotal`. Returns the parsed ranges, overlaps merged away (an address is swept once), or a message
 * naming the first offending range.
 */
export function checkRanges(
  cidrs: readonly string[],
  bound: { maxPrefixWidth: number; maxTotal?: number },
): { ok: true; ranges: Ipv4Range[]; addresses: number } | { ok: false; index: number; error: string } {
  const ranges: Ipv4Range[] = [];
  for (const [i, c] of cidrs.entries()) {
    const r = parseCidr4(c);
    if ('error' in r) return { ok: false, index: i, error: `${c}: ${r.error}` };
    if (r.prefix < bound.maxPrefixWidth)
      return {
        ok: false,
        index: i,
        error: `${c} is wider than /${bound.maxPrefixWidth} (${rangeSize(r)} addresses, at most ${2 ** (32 - bound.maxPrefixWidth)}): split it into /${bound.maxPrefixWidth} ranges or raise the bound`,
      };
    ranges.push(r);
  }
  // Drop ranges inside another one; equal ranges count once.
  const kept = ranges
    .sort((a, b) => a.prefix - b.prefix || a.base - b.base)
    .filter((r, i, all) => !all.slice(0, i).some((o) => inRange(r.base, o) && o.prefix <= r.prefix));
  const addresses = kept.reduce((n, r) => n + rangeSize(r), 0);
  if (bound.maxTotal !== undefined && addresses > bound.maxTotal)
    return {
      ok: false,
      index: cidrs.length - 1,
      error: `the ranges hold ${addresses} addresses together, at most ${bound.maxTotal}`,
    };
  return { ok: true, ranges: kept.sort((a, b) => a.base - b.base), addresses };
}
