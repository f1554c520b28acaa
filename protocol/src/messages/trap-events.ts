import * as z from 'zod';
import { EntityId, Text, Timestamp } from './common.js';

const Oid = z
  .string()
  .max(255)
  .regex(/^\d+(\.\d+)*$/, 'must be a numeric OID');

/** One variable of a trap, its value in Net-SNMP's notation (`INTEGER: 2`, `STRING: "Gi0/1"`). */
export const TrapVarbind = z.object({
  oid: Oid,
  type: Text(32),
  value: Text(1024),
});

/**
 * An SNMP trap or inform the agent received. v1 traps are translated to their SNMPv2 `trap_oid` (RFC 3584:
 * generic traps to snmpTraps.N, enterprise-specific ones to enterprise.0.specific) and keep their v1 fields.
 */
export const SnmpTrapEvent = z.object({
  type: z.literal('snmp_trap'),
  ts: Timestamp,
  /** The configured device the trap came from (by address); absent when the agent knows no such device. */
  device_id: EntityId.optional(),
  /** The sender's address (the UDP source; for v1 also `agent_addr`). */
  source: Text(64),
  version: z.enum(['1', '2c', '3']),
  pdu: z.enum(['trap', 'inform']),
  trap_oid: Oid,
  /** sysUpTime of the sender, in seconds. */
  uptime_s: z.number().nonnegative().optional(),
  /** SNMPv3 user name of an inform (never a community: that is a secret). */
  user: Text(255).optional(),
  enterprise: Oid.optional(),
  agent_addr: Text(64).optional(),
  generic_trap: z.int().min(0).max(6).optional(),
  specific_trap: z.int().nonnegative().optional(),
  varbinds: z.array(TrapVarbind).max(64).default([]),
  /** Varbinds left out beyond the 64 kept. */
  varbinds_dropped: z.int().positive().optional(),
});

export const TRAP_DROP_REASONS = ['rate_limit', 'auth', 'malformed'] as const;

/** Traps the agent dropped from one sender: over its rate limit, failing authentication, or undecodable. */
export const TrapDroppedEvent = z.object({
  type: z.literal('trap_dropped'),
  ts: Timestamp,
  source: Text(64),
  device_id: EntityId.optional(),
  reason: z.enum(TRAP_DROP_REASONS),
  /** Traps dropped since `since`. */
  dropped: z.int().positive(),
  since: Timestamp,
  /** Traps from this sender dropped since the agent started. */
  total_dropped: z.int().nonnegative(),
  detail: Text(1024).optional(),
});
