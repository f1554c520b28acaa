import * as z from 'zod';
import { Count, Text, Timestamp, Version } from './common.js';

/**
 * `status` (retained): the agent's presence. The agent publishes `online` after connecting and sets an
 * `offline` message as its MQTT will, so the broker announces it when the connection is lost.
 */
export const StatusSchema = z.object({
  v: Version,
  state: z.enum(['online', 'offline']),
  /** Agent software version. */
  version: Text(64),
  /** When this agent process started. */
  started_at: Timestamp,
  /** When this status was produced (for the will: when the connection was opened). */
  ts: Timestamp,
  hostname: Text(255).optional(),
  /** Version of the config the agent is polling with; null before it has ever received one. */
  config_version: z.int().nonnegative().nullable().optional(),
  /** Rows waiting in the outbox. */
  backlog: Count.optional(),
  /**
   * Of those, rows written before this connection was established (data buffered during an outage or a
   * restart). 0 means the hub has everything older than the connection: what arrives now is live. The agent
   * sends a status as soon as it reaches 0 after a connect.
   */
  buffered: Count.optional(),
  /** Rows the outbox has evicted since enrollment. */
  dropped: Count.optional(),
  /** Why the agent went offline: `will` (connection lost) or `shutdown` (clean stop). */
  reason: z.enum(['will', 'shutdown']).optional(),
});
export type StatusMessage = z.infer<typeof StatusSchema>;
