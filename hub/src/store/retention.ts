/**
 * What grows with time and how it is pruned. Every rule deletes rows older than a cutoff (epoch ms), at most
 * `limit` per call, so that one call is one short transaction and ingest runs between calls.
 *
 * - audit: audit entries before the cutoff.
 * - agent_events: agent events received before the cutoff.
 * - jobs: jobs finished (any final state) before the cutoff, with their log lines.
 * - alerts: alerts resolved before the cutoff, with their notifications and delivery attempts.
 * - notifications: notifications delivered or given up before the cutoff, with their delivery attempts.
 * - ledger: delivery ledger seqs strictly below their agent's acknowledged seq and received before the cutoff
 *   (an agent drops a batch from its outbox when it is acknowledged, so it never sends those again).
 * - gaps: ledger gaps filled or declared lost before the cutoff.
 * - api_keys: API keys revoked or expired before the cutoff.
 *
 * Camera snapshots are kept to a count per camera as they arrive (SnapshotRepo.add), refresh tokens by the
 * sessions service, time series by their own retention (retentionRawDays, retentionRollupDays).
 */
export const RETENTION_RULES = [
  'audit',
  'agent_events',
  'jobs',
  'alerts',
  'notifications',
  'ledger',
  'gaps',
  'api_keys',
] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];

export interface RetentionRepo {
  /** Deletes at most `limit` rows the rule selects before `cutoff`; resolves with how many it deleted. */
  prune(rule: RetentionRule, cutoff: number, limit: number): Promise<number>;
}
