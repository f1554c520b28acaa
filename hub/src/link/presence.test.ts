import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusMessage } from '@outpost/protocol';
import { createLogger } from '../logger.js';
import type { AgentRow, AgentStatusUpdate } from '../store/agents.js';
import { Presence } from './presence.js';

/** A presence on fakes: an in-memory agents repository, recorded events and gauge, a clock the test moves. */
function presenceOnFakes() {
  let now = 1_000_000;
  const rows = new Map<string, Partial<AgentRow>>([['a1', { id: 'a1', site_id: 7, status: 'offline' }]]);
  const updates: { id: string; status: string; reason: string | null | undefined }[] = [];
  const events: { name: string; state?: string; reason?: string }[] = [];
  const gauge: number[] = [];
  const presence = new Presence({
    agents: {
      async get(id) {
        return rows.get(id) as AgentRow | undefined;
      },
      async list(filter) {
        return [...rows.values()].filter((r) => !filter?.status || r.status === filter.status) as AgentRow[];
      },
      async updateStatus(id: string, u: AgentStatusUpdate) {
        updates.push({ id, status: u.status, reason: u.reason });
      },
    },
    events: {
      emit(name: string, payload: { state?: string; reason?: string }) {
        events.push({ name, state: payload.state, reason: payload.reason });
      },
    } as never,
    logger: createLogger('silent'),
    clock: () => now,
    connected: { set: ((n: number) => void gauge.push(n)) as never },
    heartbeatS: 30,
  });
  return {
    presence,
    updates,
    events,
    gauge,
    advance(ms: number) {
      now += ms;
      return now;
    },
  };
}

const online = (extra: Partial<StatusMessage> = {}): StatusMessage => ({
  v: 1,
  state: 'online',
  version: '1.0.0',
  started_at: 0,
  ts: 0,
  ...extra,
});
const will: StatusMessage = { ...online(), state: 'offline', reason: 'will' };

describe('Presence', () => {
  it('says a status is due config and jobs only when it is the first of its connection', async () => {
    const t = presenceOnFakes();
    const p = t.presence;
    p.onConnection({ agentId: 'a1', connected: true });
    const steps: [string, () => Promise<boolean>, boolean][] = [
      ['first status of the connection', () => p.onStatus('a1', online()), true],
      ['a heartbeat on the same connection', () => p.onStatus('a1', online({ backlog: 3 })), false],
    ];
    for (const [what, step, due] of steps) assert.equal(await step(), due, what);
    t.advance(10);
    p.onConnection({ agentId: 'a1', connected: true }); // a reconnect (takeover): a new connection
    assert.equal(await p.onStatus('a1', online()), true, 'first status of the new connection');
    assert.deepEqual(
      t.events.map((e) => `${e.name}:${e.state ?? ''}`),
      ['agent.status:online', 'agent.buffered:'],
      'online once, then only the change of its buffered rows',
    );
    assert.deepEqual(t.gauge, [1, 1]);
    p.stop();
  });

  it('ignores the will of a connection another one has replaced, and serves again after a real one', async () => {
    const t = presenceOnFakes();
    const p = t.presence;
    p.onConnection({ agentId: 'a1', connected: true });
    assert.equal(await p.onStatus('a1', online()), true);
    assert.equal(await p.onStatus('a1', will), false, 'the old connection died but a new one is open');
    assert.equal(p.isOnline('a1'), true);
    p.onConnection({ agentId: 'a1', connected: false });
    assert.equal(await p.onStatus('a1', will), false);
    assert.equal(p.isOnline('a1'), false);
    assert.deepEqual(
      t.events.map((e) => `${e.state}:${e.reason ?? ''}`),
      ['online:', 'offline:will'],
    );
    p.onConnection({ agentId: 'a1', connected: true });
    assert.equal(await p.onStatus('a1', online()), true, 'back online: config and jobs again');
    p.stop();
  });
});
