import * as z from 'zod';
import { EntityId, Text } from '../messages/common.js';
import { checkRanges } from './cidr.js';

/** The most addresses one discover command may sweep, whatever the hub's own bound (a /16). */
export const DISCOVER_MAX_ADDRESSES = 65_536;

const Port = z.int().min(1).max(65535);

/**
 * `discover` args: the IPv4 ranges to sweep and how hard. Credentials are never in the args (a job's args are
 * stored and shown): the agent tries the SNMP and camera credentials of the sets in its config, those named by
 * `credential_set_ids` or else all of them, in order.
 */
export const DiscoverArgsSchema = z
  .object({
    cidrs: z.array(Text(43)).min(1).max(64).optional(),
    /** One range (the first form of this command); joined to `cidrs`. */
    cidr: Text(43).optional(),
    /** A v2c community tried first (the first form of this command; the hub never sends it). */
    community: Text(255).optional(),
    credential_set_ids: z.array(EntityId).max(16).optional(),
    /** TCP ports probed on every address; an open one gets an RTSP OPTIONS (cameras). */
    ports: z.array(Port).max(16).default([554]),
    snmp_port: Port.default(161),
    /** Packets per second the sweep sends at most, all probes together. */
    rate_pps: z.int().min(1).max(5_000).default(100),
    /** Addresses probed at once. */
    concurrency: z.int().min(1).max(512).default(32),
    /** How long one probe waits for an answer. */
    timeout_ms: z.int().min(100).max(10_000).default(1_000),
    /** ONVIF WS-Discovery probe on the agent's links that face the ranges. */
    onvif: z.boolean().default(true),
  })
  .strict()
  .transform((a, ctx) => {
    const { cidr, ...rest } = a;
    const cidrs = [...(a.cidrs ?? []), ...(cidr ? [cidr] : [])];
    if (cidrs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cidrs'],
        message: 'give at least one range such as 192.0.2.0/24',
      });
      return z.NEVER;
    }
    const checked = checkRanges(cidrs, { maxPrefixWidth: 16, maxTotal: DISCOVER_MAX_ADDRESSES });
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', path: ['cidrs', checked.index], message: checked.error });
      return z.NEVER;
    }
    return { ...rest, cidrs };
  });
export type DiscoverArgs = z.infer<typeof DiscoverArgsSchema>;
export type DiscoverArgsInput = z.input<typeof DiscoverArgsSchema>;
