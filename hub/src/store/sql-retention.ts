import type { RetentionRule } from './retention.js';

// The retention DELETEs, the same SQL on both engines (store/sqlite, store/postgres).

/** One DELETE per rule: `?` are the cutoff then the limit. Each selects its rows by an indexed column. */
export const RETENTION_SQL: Record<RetentionRule, string> = {
  audit: 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < ? ORDER BY ts LIMIT ?)',
  agent_events:
    'DELETE FROM agent_events WHERE id IN (SELECT id FROM agent_events WHERE ts < ? ORDER BY ts LIMIT ?)',
  jobs: `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE finished_at < ?
           AND state IN ('succeeded', 'failed', 'timed_out', 'cancelled') LIMIT ?)`,
  alerts: `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE state = 'resolved' AND resolved_at < ? LIMIT ?)`,
  notifications: `DELETE FROM notification_outbox WHERE id IN (SELECT id FROM notification_outbox
                    WHERE status IN ('delivered', 'failed') AND COALESCE(delivered_at, next_attempt_at) < ? LIMIT ?)`,
  ledger: `DELETE FROM agent_batches WHERE (agent_id, seq) IN (
             SELECT b.agent_id, b.seq FROM agent_batches b JOIN agent_acks a ON a.agent_id = b.agent_id
             WHERE b.seq < a.up_to AND b.received_at < ? LIMIT ?)`,
  gaps: `DELETE FROM agent_gaps WHERE id IN (SELECT id FROM agent_gaps
           WHERE COALESCE(filled_at, lost_at) < ? LIMIT ?)`,
  api_keys: `DELETE FROM api_keys WHERE id IN (SELECT id FROM api_keys
               WHERE COALESCE(revoked_at, expires_at) < ? LIMIT ?)`,
};
