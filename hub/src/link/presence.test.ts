import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusMessage } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import pino from 'pino';
import { createLogger } from '../logger.js';
import type { AgentRow, AgentStatusUpdate } from '../store/agents.js';
import { openSqliteStore } from '../store/sqlite/index.js';
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

const HEARTBEAT_S = 10;
const T0 = 1_800_000_000_000;

/** Two hubs on one store with shared presence (an external broker), a clock each test moves, their events. */
async function twoHubs() {
  const store = openSqliteStore(':memory:');
  const site = await store.sites.insert({ name: 's' }, T0);
  await store.agents.create({
    id: 'agent-1',
    site_id: site.id,
    hostname: 'pi',
    version: '1',
    secret_hash: 'x'.repeat(64),
    created_at: T0,
  });
  let now = T0;
  const events: { hub: string; state: string; reason?: string }[] = [];
  const gauges: Record<string, number> = {};
  const hub = (name: string) =>
    new Presence({
      agents: store.agents,
      events: {
        emit: ((type: string, e: { state: string; reason?: string }) => {
          if (type === 'agent.status')
            events.push({ hub: name, state: e.state, ...(e.reason ? { reason: e.reason } : {}) });
        }) as never,
      },
      logger: pino({ level: 'silent' }),
      clock: () => now,
      connected: {
        set: ((v: number) => {
          gauges[name] = v;
        }) as never,
      },
      heartbeatS: HEARTBEAT_S,
      shared: true,
    });
  return {
    store,
    a: hub('a'),
    b: hub('b'),
    events,
    gauges,
    at: (ms: number) => {
      now = T0 + ms;
      return now;
    },
  };
}

const status = (state: 'online' | 'offline', reason?: 'will' | 'shutdown'): StatusMessage =>
  ({ ...EXAMPLES.status, state, ...(reason ? { reason } : {}) }) as StatusMessage;

describe('presence shared through the store (an external broker)', () => {
  it('comes online once, whichever hub sees the heartbeats; config is due only the first time', async () => {
    const h = await twoHubs();
    assert.equal(await h.a.onStatus('agent-1', status('online')), true);
    h.at(HEARTBEAT_S * 1000);
    assert.equal(await h.b.onStatus('agent-1', status('online')), false);
    assert.deepEqual(h.events, [{ hub: 'a', state: 'online' }]);
    assert.equal(h.b.isOnline('agent-1'), true);
    // Hub a heard nothing for 2.5 heartbeats, but hub b did: the store keeps it online.
    await h.a.sweep(h.at(HEARTBEAT_S * 1000 * 3));
    assert.equal(h.a.isOnline('agent-1'), true);
    assert.equal((await h.store.agents.get('agent-1'))?.status, 'online');
  });

  it('goes offline once after 2.5 heartbeats of silence, and every hub learns it', async () => {
    const h = await twoHubs();
    await h.a.onStatus('agent-1', status('online'));
    await h.b.sweep(h.at(1000));
    assert.equal(h.b.isOnline('agent-1'), true, 'b learns from the store');
    assert.equal(h.gauges.b, 1, "b's gauge counts the agent another hub saw come online");
    await h.a.sweep(h.at(HEARTBEAT_S * 2500 + 1));
    await h.b.sweep(h.at(HEARTBEAT_S * 2500 + 6000));
    assert.deepEqual(h.events, [
      { hub: 'a', state: 'online' },
      { hub: 'a', state: 'offline', reason: 'heartbeat' },
    ]);
    assert.equal(h.b.isOnline('agent-1'), false);
    assert.equal(h.gauges.b, 0);
    assert.equal((await h.store.agents.get('agent-1'))?.status, 'offline');
  });

  it('applies a will handled by another hub than the one that saw the agent come online', async () => {
    const h = await twoHubs();
    await h.a.onStatus('agent-1', status('online'));
    h.at(2000);
    assert.equal(await h.b.onStatus('agent-1', status('offline', 'will')), false);
    assert.deepEqual(h.events.at(-1), { hub: 'b', state: 'offline', reason: 'will' });
    assert.equal((await h.store.agents.get('agent-1'))?.status_reason, 'will');
    // Back online through hub a: a new connection, so its config and jobs are due again.
    h.at(3000);
    assert.equal(await h.a.onStatus('agent-1', status('online')), true);
    assert.deepEqual(h.events.at(-1), { hub: 'a', state: 'online' });
  });
});
