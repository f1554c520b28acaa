import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownEvent, Sample } from '@outpost/protocol';
import type { BatchLimits, BufferDrop, Outbox } from './types.js';

/** How the contract test gets fresh outboxes from an implementation. */
export interface OutboxFactory {
  /** A new, empty outbox bounded at maxBytes. */
  create(maxBytes: number): Outbox;
  /** For durable implementations: closes `outbox` and opens the same store again. */
  reopen?(outbox: Outbox): Outbox;
}

const T0 = Date.UTC(2026, 0, 1);
const WIDE: BatchLimits = { maxSamples: 10_000, maxEvents: 1_000, maxBytes: 1_000_000 };

export function sample(n: number, deviceId = 1): Sample {
  return { device_id: deviceId, metric: 'test_counter', value: n, ts: T0 + n, labels: { n: String(n) } };
}

function event(n: number): KnownEvent {
  return { type: 'device_state', ts: T0 + n, device_id: 1, status: 'online' };
}

const values = (samples: Sample[]) => samples.map((s) => s.value);

/** The behaviour every Outbox implementation must show (like MQTT.js' abstract_store). */
export function runOutboxContract(name: string, factory: OutboxFactory): void {
  describe(`outbox contract: ${name}`, () => {
    it('numbers batches from 1 with the oldest rows first', () => {
      const box = factory.create(1_000_000);
      box.append([sample(1), sample(2)], [event(3)], T0);
      box.append([sample(4)], [], T0);
      const b1 = box.claimBatch({ ...WIDE, maxSamples: 2 }, T0);
      assert.equal(b1?.seq, 1);
      assert.deepEqual(values(b1?.samples ?? []), [1, 2]);
      assert.equal(b1?.events.length, 1);
      const b2 = box.claimBatch(WIDE, T0);
      assert.equal(b2?.seq, 2);
      assert.deepEqual(values(b2?.samples ?? []), [4]);
      assert.equal(box.claimBatch(WIDE, T0), null);
      box.close();
    });

    it('keeps a numbered batch with the same seq and content until acknowledged', () => {
      const box = factory.create(1_000_000);
      box.append([sample(1), sample(2)], [], T0);
      const b1 = box.claimBatch(WIDE, T0 + 5);
      box.append([sample(3)], [], T0);
      assert.deepEqual(box.unacked(), [b1]);
      assert.equal(box.unacked()[0]?.sentAt, T0 + 5);
      box.close();
    });

    it('deletes only batches up to the acknowledged seq', () => {
      const box = factory.create(1_000_000);
      for (let n = 1; n <= 3; n++) {
        box.append([sample(n)], [], T0);
        box.claimBatch(WIDE, T0);
      }
      box.append([sample(4)], [], T0);
      assert.equal(box.ack(2), 2);
      assert.deepEqual(
        box.unacked().map((b) => b.seq),
        [3],
      );
      assert.equal(box.stats().rows, 2);
      assert.equal(box.stats().ackedUpTo, 2);
      // An ack beyond the last numbered batch never touches rows not yet sent.
      assert.equal(box.ack(99), 1);
      assert.equal(box.stats().unbatchedRows, 1);
      assert.equal(box.stats().ackedUpTo, 3);
      box.close();
    });

    it('ignores an ack that is not a positive integer', () => {
      const box = factory.create(1_000_000);
      box.append([sample(1)], [], T0);
      box.claimBatch(WIDE, T0);
      for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(box.ack(bad), 0);
      assert.equal(box.unacked().length, 1);
      box.close();
    });

    it('never reuses a seq, even when everything was acknowledged', () => {
      const box = factory.create(1_000_000);
      box.append([sample(1)], [], T0);
      box.claimBatch(WIDE, T0);
      box.ack(1);
      box.append([sample(2)], [], T0);
      assert.equal(box.claimBatch(WIDE, T0)?.seq, 2);
      box.close();
    });

    it('sizes batches by samples, events and bytes', () => {
      const box = factory.create(10_000_000);
      box.append(
        Array.from({ length: 50 }, (_, i) => sample(i + 1)),
        Array.from({ length: 5 }, (_, i) => event(i)),
        T0,
      );
      const bySamples = box.claimBatch({ ...WIDE, maxSamples: 20 }, T0);
      assert.equal(bySamples?.samples.length, 20);
      const one = Buffer.byteLength(JSON.stringify(sample(21)));
      const byBytes = box.claimBatch({ ...WIDE, maxBytes: 128 + 3 * (one + 1) }, T0);
      assert.deepEqual(values(byBytes?.samples ?? []), [21, 22, 23]);
      const rest = box.claimBatch({ ...WIDE, maxEvents: 2 }, T0);
      assert.equal(rest?.events.length, 2);
      box.close();
    });

    it('evicts the oldest unsent rows when full and reports them in one buffer_drop event', () => {
      const one = Buffer.byteLength(JSON.stringify(sample(100)));
      const box = factory.create(one * 10);
      box.append([sample(100), sample(101)], [], T0);
      const inFlight = box.claimBatch(WIDE, T0);
      let evicted = 0;
      for (let n = 102; n < 130; n++) evicted += box.append([sample(n)], [], T0 + n).evicted;
      assert.ok(evicted > 0);
      const stats = box.stats();
      assert.equal(stats.totalDropped, evicted);
      assert.ok(stats.bytes <= one * 10 + 400, `bytes ${stats.bytes} over the bound`);
      // A numbered batch is never evicted: the hub would wait for its seq forever.
      assert.deepEqual(box.unacked(), [inFlight]);
      const rest = box.claimBatch(WIDE, T0 + 200);
      const drops = rest?.events.filter((e) => e.type === 'buffer_drop') ?? [];
      assert.equal(drops.length, 1, 'evictions coalesce into one pending event');
      const drop = drops[0] as BufferDrop;
      assert.equal(drop.dropped, evicted);
      assert.equal(drop.total_dropped, evicted);
      // The newest rows survive, the oldest went first.
      const kept = values(rest?.samples ?? []);
      assert.equal(kept.at(-1), 129);
      assert.equal(kept.length + evicted, 28);
      assert.equal(drop.oldest_ts, T0 + 102);
      box.close();
    });

    it('starts a new buffer_drop episode once the previous one was sent', () => {
      const one = Buffer.byteLength(JSON.stringify(sample(100)));
      const box = factory.create(one * 5);
      for (let n = 100; n < 110; n++) box.append([sample(n)], [], T0);
      box.claimBatch(WIDE, T0);
      box.ack(1);
      for (let n = 110; n < 120; n++) box.append([sample(n)], [], T0);
      const batch = box.claimBatch(WIDE, T0);
      const drop = batch?.events.find((e) => e.type === 'buffer_drop') as BufferDrop | undefined;
      assert.ok(drop);
      assert.equal(drop.total_dropped, box.stats().totalDropped);
      assert.ok(drop.dropped < drop.total_dropped);
      box.close();
    });

    it('keeps its counters exact through appends, evictions, claims and acks', () => {
      const one = Buffer.byteLength(JSON.stringify(sample(100)));
      const box = factory.create(one * 30);
      let stored = 0;
      for (let n = 100; n < 160; n++) {
        box.append([sample(n)], [event(n)], T0 + n);
        if (n % 7 === 0) box.claimBatch({ ...WIDE, maxSamples: 3 }, T0);
        if (n % 11 === 0) box.ack(box.stats().lastSeq - 1);
      }
      const s = box.stats();
      for (const b of box.unacked()) stored += b.samples.length + b.events.length;
      let rest = 0;
      for (;;) {
        const b = box.claimBatch(WIDE, T0);
        if (!b) break;
        rest += b.samples.length + b.events.length;
      }
      assert.equal(stored + rest, s.rows);
      assert.equal(s.unbatchedRows, rest);
      assert.equal(box.stats().unbatchedRows, 0);
      box.ack(box.stats().lastSeq);
      assert.deepEqual([box.stats().rows, box.stats().bytes, box.stats().unackedBatches], [0, 0, 0]);
      box.close();
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps rows, numbered batches, seq and drop count across a restart', () => {
        const one = Buffer.byteLength(JSON.stringify(sample(100)));
        let box = factory.create(one * 4);
        for (let n = 100; n < 108; n++) box.append([sample(n)], [], T0);
        const b1 = box.claimBatch({ ...WIDE, maxSamples: 2 }, T0);
        const before = box.stats();
        box = reopen(box);
        assert.deepEqual(box.unacked(), [b1]);
        assert.deepEqual(box.stats(), before);
        box.append([sample(200)], [], T0);
        assert.equal(box.claimBatch(WIDE, T0)?.seq, 2);
        box.close();
      });
    }
  });
}
