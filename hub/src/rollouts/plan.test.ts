import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutAgentRow } from '../store/rollouts.js';
import { type AgentFacts, advance, bucket, firstState, SETTLE_MS, selects } from './plan.js';

const T = Date.UTC(2026, 10, 1, 12);
const agent = (over: Partial<AgentFacts> = {}): AgentFacts => ({
  id: 'agent-00000000000000aa',
  site_id: 2,
  version: '1.0.0',
  status: 'online',
  started_at: T - 60_000,
  revoked_at: null,
  ...over,
});
const row = (over: Partial<RolloutAgentRow> = {}): RolloutAgentRow => ({
  rollout_id: 1,
  agent_id: 'agent-00000000000000aa',
  site_id: 2,
  from_version: '1.0.0',
  state: 'pending',
  job_id: 'job_1',
  detail: null,
  since: T,
  updated_at: T,
  ...over,
});

describe('rollout selection', () => {
  it('spreads agents over 100 buckets, the same for one rollout, others for another', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `agent-${i.toString(16).padStart(16, '0')}`);
    const under25 = ids.filter((id) => bucket(7, id) < 25).length;
    assert.ok(under25 > 400 && under25 < 600, `${under25} of 2000 under 25%`);
    assert.equal(bucket(7, ids[3] as string), bucket(7, ids[3] as string));
    assert.ok(ids.some((id) => bucket(7, id) !== bucket(8, id)));
  });

  it('selects the first site, then a growing share, then all; never a revoked agent', () => {
    const a = agent({ site_id: 9 });
    const b = bucket(1, a.id);
    assert.equal(selects({ id: 1, site_id: 2, percent: 0 }, a), false);
    assert.equal(selects({ id: 1, site_id: 9, percent: 0 }, a), true);
    assert.equal(selects({ id: 1, site_id: 2, percent: b }, a), false);
    assert.equal(selects({ id: 1, site_id: 2, percent: b + 1 }, a), true);
    assert.equal(selects({ id: 1, site_id: null, percent: 100 }, a), true);
    assert.equal(selects({ id: 1, site_id: 9, percent: 100 }, agent({ site_id: 9, revoked_at: T })), false);
  });

  it('needs no job for an agent at or past the version', () => {
    assert.equal(firstState('1.1.0', agent({ version: '1.1.0' }))?.state, 'upgraded');
    assert.equal(firstState('1.1.0', agent({ version: '1.2.0' }))?.state, 'skipped');
    assert.equal(firstState('1.1.0', agent({ version: '1.0.0' })), null);
    assert.equal(firstState('1.1.0', agent({ version: null })), null);
    assert.equal(firstState('1.1.0', agent({ version: 'dev' })), null);
  });
});

describe('advance', () => {
  const confirmMs = 300_000;
  const cases: {
    name: string;
    row?: Partial<RolloutAgentRow>;
    agent?: Partial<AgentFacts> | null;
    job?: { state: string; error?: string; result?: unknown; finished_at?: number } | null;
    event?: { phase: string; reason?: string };
    now?: number;
    expect: string | undefined;
    detail?: RegExp;
  }[] = [
    { name: 'waits while the job is queued', job: { state: 'queued' }, expect: undefined },
    {
      name: 'installing once the agent has installed it',
      job: { state: 'succeeded', result: { restarting: true }, finished_at: T + 5 },
      expect: 'installing',
    },
    {
      name: 'upgraded when the agent already ran it',
      job: { state: 'succeeded', result: { already_running: true } },
      expect: 'upgraded',
    },
    {
      name: 'failed when the job failed',
      job: { state: 'failed', error: 'signature: wrong key' },
      expect: 'failed',
      detail: /failed: signature: wrong key/,
    },
    {
      name: 'failed when the job timed out',
      job: { state: 'timed_out' },
      expect: 'failed',
      detail: /timed_out/,
    },
    {
      name: 'upgraded as soon as the agent reports the version',
      row: { state: 'installing' },
      agent: { version: '1.1.0' },
      expect: 'upgraded',
    },
    {
      name: 'rolled back when the agent says so, with its reason',
      row: { state: 'installing' },
      event: { phase: 'rolled_back', reason: 'version 1.1.0 did not reach the hub within 300 s' },
      expect: 'rolled_back',
      detail: /within 300 s/,
    },
    {
      name: 'failed when the agent refused the release',
      event: { phase: 'refused', reason: 'needs Node.js ^26' },
      expect: 'failed',
      detail: /Node/,
    },
    {
      name: 'still installing within its time',
      row: { state: 'installing' },
      now: T + confirmMs,
      expect: undefined,
    },
    {
      name: 'rolled back when it restarted at the old version after its time',
      row: { state: 'installing' },
      agent: { started_at: T + 10_000 },
      now: T + confirmMs + SETTLE_MS + 1,
      expect: 'rolled_back',
      detail: /still at 1\.0\.0/,
    },
    {
      name: 'failed when nothing was heard after its time',
      row: { state: 'installing' },
      now: T + confirmMs + SETTLE_MS + 1,
      expect: 'failed',
      detail: /no word/,
    },
    { name: 'failed when the agent was deleted', agent: null, expect: 'failed', detail: /deleted/ },
    { name: 'skipped when the agent was revoked', agent: { revoked_at: T }, expect: 'skipped' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = advance(row(c.row), {
        target: '1.1.0',
        agent: c.agent === null ? undefined : agent(c.agent ?? {}),
        job:
          c.job === null || c.job === undefined
            ? undefined
            : {
                state: c.job.state,
                error: c.job.error ?? null,
                result: c.job.result ?? null,
                finished_at: c.job.finished_at ?? null,
              },
        event: c.event ? { ...c.event, ts: T } : undefined,
        now: c.now ?? T + 1000,
        confirmMs,
      });
      assert.equal(r?.state, c.expect);
      if (c.detail) assert.match(r?.detail ?? '', c.detail);
    });
  }
});
