import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from '@outpost/protocol';
import { silentLogger } from '../logger.js';
import { MemoryOutbox } from '../outbox/memory.js';
import type { OutboxBatch } from '../outbox/types.js';
import { Forwarder } from './forwarder.js';
import { nextBackoff } from './mqtt-link.js';

const T0 = Date.UTC(2026, 0, 1);
const sample = (n: number): Sample => ({ metric: 'n', value: n, ts: T0 + n });

function setup(maxInFlight = 2, ackTimeoutMs = 1_000) {
  let now = T0;
  let caughtUp = 0;
  const outbox = new MemoryOutbox({ maxBytes: 10_000_000 });
  const sent: OutboxBatch[] = [];
  const f = new Forwarder({
    outbox,
    limits: { maxSamples: 2, maxEvents: 10, maxBytes: 100_000 },
    maxInFlight,
    ackTimeoutMs,
    now: () => now,
    log: silentLogger,
    send: async (b) => void sent.push(b),
    onCaughtUp: () => caughtUp++,
  });
  return { f, outbox, sent, advance: (ms: number) => (now += ms), caughtUp: () => caughtUp };
}

const seqs = (batches: OutboxBatch[]) => batches.map((b) => b.seq);

describe('forwarder', () => {
  it('sends nothing while disconnected and keeps the rows', () => {
    const { f, outbox, sent } = setup();
    outbox.append([sample(1)], [], T0);
    f.tick();
    assert.equal(sent.length, 0);
    assert.equal(outbox.stats().rows, 1);
  });

  it('keeps at most maxInFlight batches unacknowledged', () => {
    const { f, outbox, sent } = setup(2);
    outbox.append([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(sample), [], T0);
    f.onConnected();
    assert.deepEqual(seqs(sent), [1, 2]);
    f.tick();
    assert.deepEqual(seqs(sent), [1, 2], 'the window is full');
    f.onAck(1);
    assert.deepEqual(seqs(sent), [1, 2, 3]);
    f.onAck(3);
    assert.deepEqual(seqs(sent), [1, 2, 3, 4, 5]);
  });

  it('counts the rows buffered before the connection down to zero, then says it caught up once', () => {
    const { f, outbox, caughtUp } = setup(4);
    outbox.append([1, 2, 3].map(sample), [], T0);
    assert.equal(f.bufferedRows, 3, 'disconnected: every row is buffered');
    f.onConnected();
    outbox.append([4, 5].map(sample), [], T0); // live rows after the connection
    assert.equal(f.bufferedRows, 3);
    f.onAck(1);
    assert.equal(f.bufferedRows, 1);
    assert.equal(caughtUp(), 0);
    f.tick();
    f.onAck(2);
    assert.equal(f.bufferedRows, 0, 'live rows are not buffered ones');
    assert.equal(outbox.stats().rows, 2);
    assert.equal(caughtUp(), 1);
    f.onAck(3);
    assert.equal(caughtUp(), 1, 'once per connection');
  });

  it('an agent that connects with an empty outbox has nothing buffered and never waits to catch up', () => {
    const { f, outbox, caughtUp } = setup(4);
    f.onConnected();
    assert.equal(f.bufferedRows, 0);
    outbox.append([1].map(sample), [], T0);
    f.tick();
    f.onAck(1);
    assert.equal(caughtUp(), 0);
    assert.equal(f.bufferedRows, 0);
  });

  it('deletes rows only when the hub acknowledges, never on send', () => {
    const { f, outbox } = setup(4);
    outbox.append([1, 2, 3].map(sample), [], T0);
    f.onConnected();
    assert.equal(outbox.stats().rows, 3);
    f.onAck(1);
    assert.equal(outbox.stats().rows, 1);
  });

  it('re-sends every unacknowledged batch, same seq and content, after a reconnect', () => {
    const { f, outbox, sent } = setup(2);
    outbox.append([1, 2, 3, 4].map(sample), [], T0);
    f.onConnected();
    const first = sent.slice();
    f.onDisconnected();
    sent.length = 0;
    f.onConnected();
    assert.deepEqual(sent, first);
  });

  it('holds the hub to a gap: an ack below the window re-sends nothing new until acknowledged', () => {
    const { f, outbox, sent } = setup(2);
    outbox.append([1, 2, 3, 4, 5, 6].map(sample), [], T0);
    f.onConnected();
    f.onAck(0);
    assert.deepEqual(seqs(sent), [1, 2]);
  });

  it('sends a trickle of live rows on the tick, not on every ack', () => {
    const { f, outbox, sent } = setup(4);
    outbox.append([sample(1)], [], T0);
    f.onConnected();
    assert.deepEqual(seqs(sent), [1]);
    outbox.append([sample(2)], [], T0);
    f.onAck(1);
    assert.deepEqual(seqs(sent), [1], 'one row waits for the tick');
    f.tick();
    assert.deepEqual(seqs(sent), [1, 2]);
  });

  it('re-sends the window when no ack came within the timeout', () => {
    const { f, outbox, sent, advance } = setup(2, 1_000);
    outbox.append([1, 2, 3, 4].map(sample), [], T0);
    f.onConnected();
    advance(500);
    f.tick();
    assert.deepEqual(seqs(sent), [1, 2]);
    advance(600);
    f.tick();
    assert.deepEqual(seqs(sent), [1, 2, 1, 2]);
    assert.equal(f.counters.resent, 2);
  });
});

describe('reconnect backoff', () => {
  it('doubles within bounds, with jitter', () => {
    const cases = [
      { current: 1000, random: 0.5, want: 2000 },
      { current: 1000, random: 0, want: 1600 },
      { current: 1000, random: 1, want: 2400 },
      { current: 40_000, random: 0.5, want: 60_000 },
      { current: 60_000, random: 1, want: 60_000 },
      { current: 10, random: 0.5, want: 500 },
    ];
    for (const c of cases)
      assert.equal(
        nextBackoff(c.current, 500, 60_000, () => c.random),
        c.want,
        JSON.stringify(c),
      );
  });
});
