import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Decision,
  decide,
  FOLLOWER,
  type LeaderState,
  type Observation,
  type Timing,
} from './leadership.js';

const T: Timing = { retryMs: 2000, probeMs: 1000, leaseMs: 5000 };
const leader = (confirmedAt: number): LeaderState => ({ role: 'leader', confirmedAt });

describe('leadership', () => {
  const cases: { name: string; s: LeaderState; o: Observation; want: Decision }[] = [
    {
      name: 'a follower that takes the free lock leads, starts the singletons and probes next',
      s: FOLLOWER,
      o: { kind: 'acquired', at: 100 },
      want: { state: leader(100), action: 'start', next: 'probe', inMs: 1000 },
    },
    {
      name: 'a follower refused the lock tries again after the retry pause',
      s: FOLLOWER,
      o: { kind: 'refused', at: 100 },
      want: { state: FOLLOWER, next: 'try', inMs: 2000 },
    },
    {
      name: 'a follower whose connection failed reconnects before its next attempt',
      s: FOLLOWER,
      o: { kind: 'failed', at: 100 },
      want: { state: FOLLOWER, next: 'reconnect', inMs: 2000 },
    },
    {
      name: 'a follower ignores a stray confirmation',
      s: FOLLOWER,
      o: { kind: 'confirmed', at: 100 },
      want: { state: FOLLOWER, next: 'try', inMs: 2000 },
    },
    {
      name: 'a leader that confirms its lock renews its lease',
      s: leader(100),
      o: { kind: 'confirmed', at: 1100 },
      want: { state: leader(1100), next: 'probe', inMs: 1000 },
    },
    {
      name: 'a leader whose connection failed steps down and reconnects (the session, and the lock, are gone)',
      s: leader(100),
      o: { kind: 'failed', at: 1100 },
      want: { state: FOLLOWER, action: 'stop', next: 'reconnect', inMs: 2000 },
    },
    {
      name: 'a leader whose session no longer holds the lock steps down',
      s: leader(100),
      o: { kind: 'released', at: 1100 },
      want: { state: FOLLOWER, action: 'stop', next: 'reconnect', inMs: 2000 },
    },
    {
      name: 'a leader within its lease probes again, no later than the lease end',
      s: leader(100),
      o: { kind: 'tick', at: 4600 },
      want: { state: leader(100), next: 'probe', inMs: 500 },
    },
    {
      name: 'a leader past its lease without a confirmation steps down',
      s: leader(100),
      o: { kind: 'tick', at: 5100 },
      want: { state: FOLLOWER, action: 'stop', next: 'reconnect', inMs: 2000 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decide(c.s, c.o, T), c.want);
    });
  }

  it('never leaves a leader without a next step before its lease ends', () => {
    for (let at = 100; at <= 6000; at += 250) {
      const d = decide(leader(100), { kind: 'tick', at }, T);
      if (d.state.role === 'leader') assert.ok(at + d.inMs <= 100 + T.leaseMs, `tick at ${at}`);
      else assert.equal(d.action, 'stop');
    }
  });
});
