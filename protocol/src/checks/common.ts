import * as z from 'zod';

// RFC 1123 host names (letters, digits, '-', dots) or an IP literal.
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A host to reach: an IPv4/IPv6 address or a DNS name. */
export const Host = z.union([z.ipv4(), z.ipv6(), z.string().regex(HOSTNAME)], {
  error: 'must be an IP address or a host name',
});

/** An IP address (a server given by address, not by name). */
export const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

export const Port = z.int().min(1).max(65535);
