import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetentionRule } from '../store/retention.js';
import { prunePass, retentionCutoffs } from './plan.js';

const SETTINGS = {
  retentionAuditDays: 365,
  retentionAgentEventsDays: 30,
  retentionJobsDays: 7,
  retentionAlertsDays: 180,
  retentionNotificationsDays: 14,
  retentionLedgerHours: 24,
  retentionApiKeysDays: 30,
};
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

describe('retention', () => {
  for (const [rule, days] of [
    ['audit', 365],
    ['agent_events', 30],
    ['jobs', 7],
    ['alerts', 180],
    ['notifications', 14],
    ['ledger', 1],
    ['gaps', 1],
    ['api_keys', 30],
  ] as const) {
    it(`cuts ${rule} at ${days} days before now`, () => {
      const c = retentionCutoffs(SETTINGS, NOW).find((x) => x.rule === rule);
      assert.equal(c?.cutoff, NOW - days * DAY);
    });
  }

  it('deletes in batches until one comes back short, pausing between them', async () => {
    const due: Record<string, number> = { audit: 2500, jobs: 0, alerts: 1000 };
    const calls: string[] = [];
    let pauses = 0;
    const repo = {
      async prune(rule: RetentionRule, _cutoff: number, limit: number) {
        const n = Math.min(due[rule] ?? 0, limit);
        due[rule] = (due[rule] ?? 0) - n;
        calls.push(`${rule}:${n}`);
        return n;
      },
    };
    const cutoffs = (['audit', 'jobs', 'alerts'] as const).map((rule) => ({ rule, cutoff: NOW }));
    const out = await prunePass(repo, cutoffs, {
      batchRows: 1000,
      pause: async () => {
        pauses++;
      },
    });
    assert.deepEqual(out, { audit: 2500, alerts: 1000 });
    assert.deepEqual(calls, ['audit:1000', 'audit:1000', 'audit:500', 'jobs:0', 'alerts:1000', 'alerts:0']);
    assert.equal(pauses, calls.length);
  });

  it('stops a rule at maxBatches and leaves the rest for the next pass', async () => {
    let left = 10_000;
    const repo = {
      async prune(_r: RetentionRule, _c: number, limit: number) {
        const n = Math.min(left, limit);
        left -= n;
        return n;
      },
    };
    const out = await prunePass(repo, [{ rule: 'audit', cutoff: NOW }], {
      batchRows: 100,
      maxBatches: 3,
      pause: async () => {},
    });
    assert.deepEqual(out, { audit: 300 });
    assert.equal(left, 9_700);
  });
});
