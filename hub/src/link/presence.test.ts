import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusMessage } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import pino from 'pino';
import { openSqliteStore } from '../store/sqlite/index.js';
import { Presence } from './presence.js';

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
      connected: { set: () => undefined },
      heartbeatS: HEARTBEAT_S,
      shared: true,
    });
  return {
    store,
    a: hub('a'),
    b: hub('b'),
    events,
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
    await h.a.sweep(h.at(HEARTBEAT_S * 2500 + 1));
    await h.b.sweep(h.at(HEARTBEAT_S * 2500 + 6000));
    assert.deepEqual(h.events, [
      { hub: 'a', state: 'online' },
      { hub: 'a', state: 'offline', reason: 'heartbeat' },
    ]);
    assert.equal(h.b.isOnline('agent-1'), false);
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
