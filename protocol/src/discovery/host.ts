import * as z from 'zod';
import { Count, EntityId, Text } from '../messages/common.js';
import { DISCOVERED_TYPES } from './vendors.js';

const Ipv4 = z.ipv4({ error: 'must be an IPv4 address' });
/** A MAC address as `aa:bb:cc:dd:ee:ff` (lower case). */
export const MacText = z
  .string()
  .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'must be a MAC as aa:bb:cc:dd:ee:ff');

/** What a sweep found answering at one address. */
export const DiscoveredHostSchema = z.object({
  ip: Ipv4,
  /** From the agent's neighbour (ARP) table, when the host is on one of its links. */
  mac: MacText.optional(),
  /** How the host answered: ICMP echo, SNMP, an open TCP port, WS-Discovery. */
  seen_by: z
    .array(z.enum(['icmp', 'snmp', 'tcp', 'onvif']))
    .min(1)
    .max(4),
  icmp_rtt_ms: z.number().nonnegative().optional(),
  /** The system group, with the credential that got it. */
  snmp: z
    .object({
      credential_id: EntityId.optional(),
      version: z.enum(['1', '2c', '3']),
      port: z.int().min(1).max(65535),
      sys: z.object({
        name: Text(255).optional(),
        descr: Text(1024).optional(),
        object_id: Text(255).optional(),
        uptime_s: z.number().nonnegative().optional(),
        location: Text(255).optional(),
        contact: Text(255).optional(),
      }),
    })
    .optional(),
  /** An SNMP engine answered (SNMPv3 discovery) but no credential tried was accepted. */
  snmp_no_credential: z.boolean().optional(),
  /** Open TCP ports among those probed, with what RTSP said on them. */
  ports: z
    .array(
      z.object({
        port: z.int().min(1).max(65535),
        rtsp: z
          .object({
            status: z.int().min(100).max(999),
            server: Text(255).optional(),
            /** A camera credential was accepted (DESCRIBE answered other than 401). */
            credential_id: EntityId.optional(),
            /** DESCRIBE asked for credentials and none tried was accepted. */
            auth_required: z.boolean().optional(),
          })
          .optional(),
      }),
    )
    .max(16)
    .optional(),
  /** ONVIF WS-Discovery ProbeMatch: service addresses and scopes (name, hardware, location). */
  onvif: z
    .object({
      xaddrs: z.array(Text(512)).max(8),
      types: z.array(Text(128)).max(8),
      name: Text(255).optional(),
      hardware: Text(255).optional(),
      location: Text(255).optional(),
    })
    .optional(),
  /** What it probably is (`guessDevice`, or a camera when it speaks RTSP or ONVIF). */
  guess: z.object({
    kind: z.enum(['device', 'camera', 'host']),
    type: z.enum(DISCOVERED_TYPES),
    vendor: Text(100).optional(),
    profile: Text(64).optional(),
  }),
});
export type DiscoveredHost = z.infer<typeof DiscoveredHostSchema>;

/** The `result` of a discover job's `running` messages: hosts found since the previous message. */
export const DiscoverProgressSchema = z.object({
  hosts: z.array(DiscoveredHostSchema).max(200),
});

/** The `result` of a finished discover job. */
export const DiscoverSummarySchema = z.object({
  ranges: z.array(Text(32)).max(64),
  addresses: Count,
  answering: Count,
  /** Packets the sweep sent, by protocol (ICMP echo requests, SNMP requests, TCP SYNs, RTSP requests, WS-Discovery probes). */
  packets: z.object({ icmp: Count, snmp: Count, tcp: Count, rtsp: Count, wsd: Count }),
  duration_ms: Count,
  /** Every host found, when they fit in the result message (hosts stream in `running` results as found). */
  hosts: z.array(DiscoveredHostSchema).max(1000).optional(),
  /** Hosts found in all (whether or not `hosts` holds them). */
  host_count: Count,
  warnings: z.array(Text(1024)).max(16).default([]),
});
export type DiscoverSummary = z.infer<typeof DiscoverSummarySchema>;
export type DiscoverSummaryInput = z.input<typeof DiscoverSummarySchema>;
