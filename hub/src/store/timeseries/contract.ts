import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeadPolicy } from './head.js';
import type { Point, SeriesKey, TimeSeriesStore } from './types.js';

/** One store under test, and how to reach its transactions and data again. */
export interface TimeSeriesHandle {
  store: TimeSeriesStore;
  /** Runs `fn` in one transaction of the engine: it throws -> everything in it is rolled back. */
  transact(fn: () => void): Promise<void>;
  /** Like `transact`, with a savepoint around `inner` that `inner` may fail alone. */
  transactWithSavepoint(outer: () => void, inner: () => void, after: () => void): Promise<void>;
  /** The same data opened again as by a new process after a crash (the store is not closed). */
  reopen(): TimeSeriesHandle;
  dispose(): void;
}

export interface TimeSeriesFactory {
  /** A new, empty store whose head cuts chunks as `policy` says, reading the wall clock from `clock`. */
  create(opts: { policy: HeadPolicy; clock: () => number }): TimeSeriesHandle;
}

const T0 = Date.UTC(2026, 2, 1);
const MIN = 60_000;
const DAY = 86_400_000;
const ALL = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };
const SMALL: HeadPolicy = { maxSamples: 4, maxSpanMs: 60 * MIN, maxAgeMs: 3_600_000 };

const cpu: SeriesKey = { kind: 'device', target: '7', metric: 'cpu_load', unit: 'percent' };
const ifIn = (ifName: string): SeriesKey => ({
  kind: 'device',
  target: '7',
  metric: 'if_in_bps',
  labels: { ifName },
});

/** Writes samples in one unit of work; returns the series ids in order of first appearance. */
export async function writeSamples(
  h: TimeSeriesHandle,
  samples: readonly [SeriesKey, number, number][],
): Promise<number[]> {
  const w = h.store.writer();
  const ids: number[] = [];
  try {
    await h.transact(() => {
      for (const [key, t, v] of samples) {
        const id = w.series(key);
        if (!ids.includes(id)) ids.push(id);
        w.add(id, t, v);
      }
      w.persist();
    });
  } catch (err) {
    w.abort();
    throw err;
  }
  w.committed();
  return ids;
}

const pts = (xs: [number, number][]): Point[] => xs.map(([t, v]) => ({ t, v }));
const minutes = (from: number, n: number, value: (i: number) => number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [T0 + (from + i) * MIN, value(from + i)]);

/** The behaviour every TimeSeriesStore must show (like the agent's outbox contract). */
export function runTimeSeriesContract(name: string, factory: TimeSeriesFactory): void {
  describe(`time-series contract: ${name}`, () => {
    let now = T0;
    const open = (policy = SMALL) => factory.create({ policy, clock: () => now });

    it('reads back committed samples at once, across the head and sealed chunks', async () => {
      const h = open();
      const data = minutes(0, 10, (i) => i * 1.5);
      // Chunks are cut between units of work: the first (4 samples) is full when the second comes.
      const [id] = await writeSamples(
        h,
        data.slice(0, 4).map(([t, v]) => [cpu, t, v]),
      );
      await writeSamples(
        h,
        data.slice(4, 6).map(([t, v]) => [cpu, t, v]),
      );
      assert.deepEqual(await h.store.read(id!, ALL), pts(data.slice(0, 6)));
      const sealed = await h.store.seal();
      assert.ok(sealed.chunks >= 1, 'a full chunk was sealed');
      await writeSamples(
        h,
        data.slice(6).map(([t, v]) => [cpu, t, v]),
      );
      assert.deepEqual(await h.store.read(id!, ALL), pts(data));
      assert.deepEqual(
        await h.store.read(id!, { from: T0 + 3 * MIN, to: T0 + 7 * MIN }),
        pts(data.slice(3, 8)),
      );
      await h.store.seal({ all: true });
      assert.equal(h.store.stats().headSamples, 0);
      assert.deepEqual(await h.store.read(id!, ALL), pts(data));
      h.dispose();
    });

    it('keeps the last write of a timestamp: in the head, over sealed chunks, and merged into them', async () => {
      const h = open();
      const [id] = await writeSamples(
        h,
        minutes(0, 8, () => 1).map(([t, v]) => [cpu, t, v]),
      );
      await writeSamples(h, [[cpu, T0 + MIN, 2]]); // head over head
      await h.store.seal({ all: true });
      assert.equal((await h.store.read(id!, { from: T0 + MIN, to: T0 + MIN }))[0]?.v, 2);
      await writeSamples(h, [
        [cpu, T0 + 2 * MIN, 3],
        [cpu, T0 + 2 * MIN, 4],
      ]); // head over sealed, twice
      assert.deepEqual(
        await h.store.read(id!, { from: T0 + MIN, to: T0 + 3 * MIN }),
        pts([
          [T0 + MIN, 2],
          [T0 + 2 * MIN, 4],
          [T0 + 3 * MIN, 1],
        ]),
      );
      // Averaged into steps, the head's write replaces the sealed one too.
      assert.deepEqual(await h.store.read(id!, { from: T0, to: T0 + 3 * MIN - 1, stepMs: 3 * MIN }), [
        { t: T0, v: (1 + 2 + 4) / 3 },
      ]);
      const r = await h.store.seal({ all: true });
      assert.ok(r.merged >= 1, 'the late sample was merged into a sealed chunk');
      const all = await h.store.read(id!, ALL);
      assert.equal(all.length, 8);
      assert.equal(all[2]?.v, 4);
      h.dispose();
    });

    it('returns out-of-order samples sorted, late ones before every chunk included', async () => {
      const h = open();
      const [id] = await writeSamples(h, [
        [cpu, T0 + 5 * MIN, 5],
        [cpu, T0 + 3 * MIN, 3],
        [cpu, T0 + 9 * MIN, 9],
      ]);
      await h.store.seal({ all: true });
      await writeSamples(h, [
        [cpu, T0, 0],
        [cpu, T0 + 7 * MIN, 7],
      ]);
      const expected = pts([
        [T0, 0],
        [T0 + 3 * MIN, 3],
        [T0 + 5 * MIN, 5],
        [T0 + 7 * MIN, 7],
        [T0 + 9 * MIN, 9],
      ]);
      assert.deepEqual(await h.store.read(id!, ALL), expected);
      await h.store.seal({ all: true });
      assert.deepEqual(await h.store.read(id!, ALL), expected);
      h.dispose();
    });

    it('makes nothing of a rolled-back unit of work readable, and drops only a failed savepoint', async () => {
      const h = open();
      const [id] = await writeSamples(h, [[cpu, T0, 1]]);
      const w = h.store.writer();
      await assert.rejects(
        h.transact(() => {
          w.add(w.series(cpu), T0 + MIN, 2);
          w.persist();
          throw new Error('the unit of work fails');
        }),
      );
      w.abort();
      assert.deepEqual(await h.store.read(id!, ALL), pts([[T0, 1]]));
      const w2 = h.store.writer();
      let mark = 0;
      await h.transactWithSavepoint(
        () => w2.add(w2.series(cpu), T0 + 2 * MIN, 3),
        () => {
          mark = w2.mark();
          w2.add(w2.series(ifIn('Gi0/1')), T0 + 2 * MIN, 99);
          throw new Error('this batch fails alone');
        },
        () => {
          w2.rollback(mark);
          w2.add(w2.series(cpu), T0 + 3 * MIN, 4);
          w2.persist();
        },
      );
      w2.committed();
      assert.deepEqual(
        await h.store.read(id!, ALL),
        pts([
          [T0, 1],
          [T0 + 2 * MIN, 3],
          [T0 + 3 * MIN, 4],
        ]),
      );
      assert.deepEqual(await h.store.listSeries('device', '7', 'if_in_bps'), []);
      h.dispose();
    });

    it('averages into aligned steps and counts points without reading them', async () => {
      const h = open();
      const data = minutes(0, 12, (i) => i);
      const [id] = await writeSamples(
        h,
        data.slice(0, 7).map(([t, v]) => [cpu, t, v]),
      );
      await h.store.seal({ all: true });
      await writeSamples(
        h,
        data.slice(7).map(([t, v]) => [cpu, t, v]),
      );
      assert.deepEqual(
        await h.store.read(id!, { from: T0, to: T0 + 12 * MIN, stepMs: 5 * MIN }),
        pts([
          [T0, 2],
          [T0 + 5 * MIN, 7],
          [T0 + 10 * MIN, 10.5],
        ]),
      );
      const n = await h.store.countPoints(id!, T0, T0 + 11 * MIN);
      assert.ok(n >= 12 && n <= 16, `${n} points counted`);
      assert.equal(await h.store.countPoints(id!, T0 - DAY, T0 - 1), 0);
      h.dispose();
    });

    it('keeps every committed sample exactly once when reopened without closing, sealed or not', async () => {
      const h = open();
      const data = minutes(0, 30, (i) => i * 10);
      const ids = await writeSamples(
        h,
        data.slice(0, 10).map(([t, v]) => [cpu, t, v]),
      );
      await writeSamples(
        h,
        data.slice(0, 10).map(([t, v]) => [ifIn('Gi0/1'), t, -v]),
      );
      await writeSamples(
        h,
        data.slice(10, 20).map(([t, v]) => [cpu, t, v]),
      );
      assert.equal(
        (await h.store.seal()).chunks,
        1,
        'the first cpu chunk is sealed, the rest stays in the head',
      );
      await writeSamples(h, [[cpu, T0 + 3 * MIN, 333]]); // late, over a sealed chunk
      const again = h.reopen();
      const expected = data.slice(0, 20).map(([t, v]) => (t === T0 + 3 * MIN ? [t, 333] : [t, v])) as [
        number,
        number,
      ][];
      assert.deepEqual(await again.store.read(ids[0]!, ALL), pts(expected));
      await again.store.seal({ all: true });
      await writeSamples(
        again,
        data.slice(20).map(([t, v]) => [cpu, t, v]),
      );
      const third = again.reopen();
      const all = await third.store.read(ids[0]!, ALL);
      assert.equal(all.length, 30);
      assert.deepEqual(all.slice(0, 20), pts(expected));
      const [gi] = await third.store.listSeries('device', '7', 'if_in_bps');
      assert.equal((await third.store.read(gi!.id, ALL)).length, 10);
      third.dispose();
    });

    it('keeps rollups once raw samples expire, takes late samples into them, then drops whole chunks', async () => {
      const h = open({ ...SMALL, maxSamples: 100 });
      const day = Array.from({ length: 48 }, (_, i) => [T0 + i * 30 * MIN, i] as [number, number]);
      const [id] = await writeSamples(
        h,
        day.map(([t, v]) => [cpu, t, v]),
      );
      await h.store.seal({ all: true });
      const r = await h.store.retain({ rawBefore: T0 + 2 * DAY, rollupBefore: T0 - DAY });
      assert.ok(r.rolledUp >= 1);
      const hourly = await h.store.read(id!, { from: T0, to: T0 + DAY, stepMs: 60 * MIN });
      assert.equal(hourly.length, 24);
      assert.deepEqual(hourly[0], { t: T0, v: 0.5 });
      await writeSamples(h, [[cpu, T0 + 1, 100]]);
      await h.store.seal({ all: true });
      const first = await h.store.read(id!, { from: T0, to: T0 + 30 * MIN - 1, stepMs: 30 * MIN });
      assert.deepEqual(first, [{ t: T0, v: 50 }], 'the late sample joined its bucket');
      const gone = await h.store.retain({ rawBefore: T0 + 2 * DAY, rollupBefore: T0 + 2 * DAY });
      assert.ok(gone.deleted >= 1);
      assert.deepEqual(await h.store.read(id!, ALL), []);
      await writeSamples(h, [[cpu, T0 + 3 * DAY, 7]]);
      assert.deepEqual(await h.store.read(id!, ALL), pts([[T0 + 3 * DAY, 7]]));
      h.dispose();
    });

    it('deletes a target with its head and chunks; nothing comes back on reopen', async () => {
      const h = open();
      const [id] = await writeSamples(
        h,
        minutes(0, 6, (i) => i).map(([t, v]) => [cpu, t, v]),
      );
      await writeSamples(h, [[cpu, T0 + 7 * MIN, 7]]);
      await h.store.seal();
      await h.transact(() => h.store.deleteTarget('device', '7'));
      assert.deepEqual(await h.store.listSeries('device', '7'), []);
      assert.deepEqual(await h.store.read(id!, ALL), []);
      const [again] = await writeSamples(h, [[cpu, T0 + DAY, 1]]);
      const reopened = h.reopen();
      assert.deepEqual(await reopened.store.read(again!, ALL), pts([[T0 + DAY, 1]]));
      reopened.dispose();
    });

    it('lists series by target and metric, labels in any key order naming one series', async () => {
      const h = open();
      const a = { kind: 'device', target: '9', metric: 'm', labels: { b: '2', a: '1' } } as const;
      const b = { kind: 'device', target: '9', metric: 'm', labels: { a: '1', b: '2' } } as const;
      const ids = await writeSamples(h, [
        [a, T0, 1],
        [b, T0 + 1, 2],
        [{ ...cpu, target: '9' }, T0, 3],
      ]);
      assert.equal(ids.length, 2);
      const list = await h.store.listSeries('device', '9');
      assert.deepEqual(
        list.map((s) => [s.metric, s.labels]),
        [
          ['cpu_load', {}],
          ['m', { a: '1', b: '2' }],
        ],
      );
      assert.equal(list[0]?.unit, 'percent');
      assert.deepEqual(
        (await h.store.listSeries('device', '9', 'm')).map((s) => s.id),
        [ids[0]],
      );
      await writeSamples(h, [[{ kind: 'camera', target: '3', metric: 'm' }, T0, 4]]);
      assert.deepEqual(
        (await h.store.seriesByMetric('m', 10)).map((s) => [s.kind, s.target]),
        [
          ['camera', '3'],
          ['device', '9'],
        ],
      );
      assert.equal((await h.store.seriesByMetric('m', 1)).length, 1);
      assert.deepEqual(await h.store.metricNames(), [
        { name: 'cpu_load', unit: 'percent', series: 1 },
        { name: 'm', unit: null, series: 2 },
      ]);
      h.dispose();
    });

    it('stores any float64 value as it came', async () => {
      const h = open();
      const values = [0.1 + 0.2, -0, 1e-300, 2 ** 60, -123.456, 42];
      const [id] = await writeSamples(
        h,
        values.map((v, i) => [cpu, T0 + i, v]),
      );
      await h.store.seal({ all: true });
      const back = await h.store.read(id!, ALL);
      assert.deepEqual(
        back.map((p) => p.v),
        values,
      );
      assert.ok(Object.is(back[1]?.v, -0));
      h.dispose();
    });

    it('closes chunks that stay open longer than the age limit', async () => {
      const h = open({ ...SMALL, maxSamples: 1000, maxAgeMs: 10 * MIN });
      await writeSamples(h, [[cpu, T0, 1]]);
      assert.equal((await h.store.seal()).chunks, 0);
      now += 11 * MIN;
      assert.equal((await h.store.seal()).chunks, 1);
      assert.equal(h.store.stats().headSamples, 0);
      h.dispose();
    });
  });
}
