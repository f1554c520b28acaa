import * as z from 'zod';
import { EntityId, Text, Timestamp } from './common.js';

export const CHECK_STATUSES = ['up', 'down'] as const;

/** Facts a check found (`status_code`, `cert_issuer`, `answers`, ...): a few short scalars. */
const CheckFacts = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.union([Text(1024), z.number(), z.boolean()]))
  .refine((f) => Object.keys(f).length <= 24, 'at most 24 facts');

/** The result of one run of a check (icmp, tcp, http, dns, ...). */
export const CheckStateEvent = z.object({
  type: z.literal('check_state'),
  ts: Timestamp,
  check_id: EntityId,
  device_id: EntityId,
  kind: Text(32),
  status: z.enum(CHECK_STATUSES),
  /** Why it is down (`connect ECONNREFUSED 127.0.0.1:9`, `status 503 not in 200-399`). */
  error: Text(1024).optional(),
  /** Time the check took, where it has one figure (connect, response, answer, average round trip). */
  response_ms: z.number().nonnegative().optional(),
  facts: CheckFacts.optional(),
});
