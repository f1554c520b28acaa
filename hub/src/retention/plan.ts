import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { RetentionRepo, RetentionRule } from '../store/retention.js';

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;

/** The retention settings of the hub's config (hub/README.md "Retention"). */
export interface RetentionSettings {
  retentionAuditDays: number;
  retentionAgentEventsDays: number;
  retentionJobsDays: number;
  retentionAlertsDays: number;
  retentionNotificationsDays: number;
  retentionLedgerHours: number;
  retentionApiKeysDays: number;
}

/** Each rule with the time before which its rows go, at `now`. */
export function retentionCutoffs(
  s: RetentionSettings,
  now: number,
): { rule: RetentionRule; cutoff: number }[] {
  return [
    { rule: 'audit', cutoff: now - s.retentionAuditDays * DAY },
    { rule: 'agent_events', cutoff: now - s.retentionAgentEventsDays * DAY },
    { rule: 'jobs', cutoff: now - s.retentionJobsDays * DAY },
    // Notifications before alerts: an alert's deletion takes its notifications with it anyway.
    { rule: 'notifications', cutoff: now - s.retentionNotificationsDays * DAY },
    { rule: 'alerts', cutoff: now - s.retentionAlertsDays * DAY },
    { rule: 'ledger', cutoff: now - s.retentionLedgerHours * HOUR },
    { rule: 'gaps', cutoff: now - s.retentionLedgerHours * HOUR },
    { rule: 'api_keys', cutoff: now - s.retentionApiKeysDays * DAY },
  ];
}

export interface PassOptions {
  /** Rows per delete: one short transaction each. */
  batchRows: number;
  /** Deletes per rule in one pass at most (what is left waits for the next pass). */
  maxBatches?: number;
  /** Runs between deletes so that ingest and requests go first (default: one turn of the event loop). */
  pause?: () => Promise<unknown>;
}

/**
 * One pruning pass: for each rule, deletes in batches of `batchRows` until a batch comes back short (nothing
 * more is due) or `maxBatches` were run, pausing between batches. Resolves with the rows deleted per rule.
 */
export async function prunePass(
  repo: RetentionRepo,
  cutoffs: readonly { rule: RetentionRule; cutoff: number }[],
  o: PassOptions,
): Promise<Partial<Record<RetentionRule, number>>> {
  const pause = o.pause ?? (() => yieldToIo());
  const maxBatches = o.maxBatches ?? 1000;
  const out: Partial<Record<RetentionRule, number>> = {};
  for (const { rule, cutoff } of cutoffs) {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await repo.prune(rule, cutoff, o.batchRows);
      total += n;
      await pause();
      if (n < o.batchRows) break;
    }
    if (total > 0) out[rule] = total;
  }
  return out;
}
