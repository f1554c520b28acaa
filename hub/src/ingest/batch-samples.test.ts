import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type BatchInput,
  type BatchMessage,
  decodeCompactBatch,
  encodeCompactBatch,
  SeriesTableCache,
} from '@outpost/protocol';
import type { Db } from '../store/sqlite/connection.js';
import { openDatabase } from '../store/sqlite/database.js';
import { SqliteTimeSeries } from '../store/sqlite/timeseries/engine.js';
import { type StagedSamples, stageSamples, type TargetSites } from './batch-samples.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-batch-samples-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const T = Date.UTC(2026, 10, 22, 8);
const SITE = 1;

function poll(seq: number, device: number): BatchInput {
  const ts = T + seq * 10_000;
  return {
    v: 1,
    seq,
    sent_at: ts,
    samples: [
      {
        device_id: device,
        metric: 'if_in_bps',
        value: seq * 1.5,
        unit: 'bps',
        ts,
        labels: { if_index: '1' },
      },
      { device_id: device, metric: 'cpu_load', value: seq, ts },
      { metric: 'agent_queue', value: seq, ts },
    ],
    events: [],
  };
}

/** A real SQLite time-series store, fed as the hub's group commit feeds it, counting series resolutions. */
class Rig {
  readonly db: Db;
  readonly ts: SqliteTimeSeries;
  readonly tables = new SeriesTableCache();
  sites: TargetSites = { device: new Map([[7, SITE]]), camera: new Map() };
  resolved = 0;

  constructor(name: string) {
    this.db = openDatabase(path.join(dir, `${name}.db`));
    this.ts = new SqliteTimeSeries(this.db);
  }

  decode(batch: BatchInput): BatchMessage {
    const e = encodeCompactBatch(batch, { compression: 'brotli' });
    if (!e.ok) assert.fail(e.error.message);
    const d = decodeCompactBatch(e.bytes, { tables: this.tables, sender: 'agent-1' });
    if (!d.ok) assert.fail(d.error.message);
    return d.message;
  }

  /** One unit of work holding one batch; `fail` rolls it back after staging. */
  store(batch: BatchInput, fail = false): StagedSamples | undefined {
    const message = this.decode(batch);
    const w = this.ts.writer();
    const resolve = w.seriesOf.bind(w);
    w.seriesOf = (...args) => {
      this.resolved++;
      return resolve(...args);
    };
    let staged: StagedSamples | undefined;
    try {
      this.db.transaction(() => {
        staged = stageSamples(w, message, 'agent-1', SITE, this.sites);
        w.persist();
        if (fail) throw new Error('the commit failed');
      })();
    } catch (err) {
      w.abort();
      if (!fail) throw err;
      return undefined;
    }
    w.committed();
    return staged;
  }

  async values(kind: 'device' | 'agent', target: string, metric: string): Promise<number[]> {
    const [series] = await this.ts.listSeries(kind, target, metric);
    if (!series) return [];
    const points = await this.ts.read(series.id, { from: T, to: T + 86_400_000 });
    return points.map((p) => p.v);
  }
}

describe('staging a compact batch from its series table', () => {
  it('resolves each series once per table, then reuses the ids for the batches that repeat it', async () => {
    const rig = new Rig('reuse');
    const first = rig.store(poll(1, 7));
    assert.equal(rig.resolved, 3);
    assert.deepEqual(first, { accepted: rig.decode(poll(1, 7)).samples, refused: 0 });
    rig.store(poll(2, 7));
    rig.store(poll(3, 7));
    assert.equal(rig.resolved, 3, 'no series resolved again');
    assert.deepEqual(await rig.values('device', '7', 'if_in_bps'), [1.5, 3, 4.5]);
    assert.deepEqual(await rig.values('agent', 'agent-1', 'agent_queue'), [1, 2, 3]);
  });

  it('resolves again after the device was deleted: its series are created anew, not written to dead ids', async () => {
    const rig = new Rig('deleted');
    rig.store(poll(1, 7));
    rig.db.transaction(() => rig.ts.deleteTarget('device', '7'))();
    assert.deepEqual(await rig.values('device', '7', 'cpu_load'), []);
    rig.store(poll(2, 7));
    assert.equal(rig.resolved, 6);
    assert.deepEqual(await rig.values('device', '7', 'cpu_load'), [2]);
    assert.deepEqual(await rig.values('agent', 'agent-1', 'agent_queue'), [1, 2]);
  });

  it('resolves again after a rolled-back unit of work that created the series', async () => {
    const rig = new Rig('rolled-back');
    assert.equal(rig.store(poll(1, 7), true), undefined);
    assert.equal((await rig.ts.listSeries('device', '7')).length, 0, 'the series rows were rolled back');
    rig.store(poll(2, 7));
    assert.equal(rig.resolved, 6);
    assert.deepEqual(await rig.values('device', '7', 'if_in_bps'), [3]);
  });

  it('checks the site of every batch: a device moved to another site is refused with its table cached', async () => {
    const rig = new Rig('moved');
    rig.store(poll(1, 7));
    rig.sites = { device: new Map([[7, SITE + 1]]), camera: new Map() };
    const staged = rig.store(poll(2, 7));
    assert.equal(staged?.refused, 2);
    assert.deepEqual(
      staged?.accepted.map((s) => s.metric),
      ['agent_queue'],
    );
    assert.deepEqual(await rig.values('device', '7', 'if_in_bps'), [1.5]);
    assert.deepEqual(await rig.values('agent', 'agent-1', 'agent_queue'), [1, 2]);
  });

  it('stages a JSON batch (no table) sample by sample, with the same result', async () => {
    const rig = new Rig('json');
    const message = { ...rig.decode(poll(1, 7)) }; // a copy has no columns: as a JSON batch
    const w = rig.ts.writer();
    let staged: StagedSamples | undefined;
    rig.db.transaction(() => {
      staged = stageSamples(w, message, 'agent-1', SITE, rig.sites);
      w.persist();
    })();
    w.committed();
    assert.equal(staged?.accepted.length, 3);
    assert.deepEqual(await rig.values('device', '7', 'if_in_bps'), [1.5]);
  });
});
