import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '../codec.js';
import type { BatchInput, BatchMessage } from '../messages/batch.js';
import { topics } from '../topics.js';
import { decodeCompactBatch } from './compact-decode.js';
import { encodeCompactBatch } from './compact-encode.js';
import { TARGET_AGENT, TARGET_DEVICE } from './format.js';
import { columnsOf, SeriesTableCache, type TableSeries } from './series-tables.js';

const T = Date.UTC(2026, 10, 22, 8);
const LABELS = { if_index: '1', if_name: 'Gi0/1' };

/** One poll of `device`: the same series every time, values and timestamps moving. */
function poll(seq: number, device = 7, extra = 0): BatchInput {
  const ts = T + seq * 10_000;
  return {
    v: 1,
    seq,
    sent_at: ts,
    samples: [
      { device_id: device, metric: 'if_in_bps', value: seq * 1.5, unit: 'bps', ts, labels: LABELS },
      { device_id: device, metric: 'if_out_bps', value: seq * 2.25, unit: 'bps', ts, labels: LABELS },
      { device_id: device, metric: 'cpu_load', value: 0.3 + extra, ts: ts - 1 },
      { metric: 'agent_queue', value: seq, ts },
    ],
    events: [],
  };
}

function bytesOf(batch: BatchInput, compression: 'none' | 'brotli' = 'brotli'): Uint8Array {
  const r = encodeCompactBatch(batch, { compression });
  if (!r.ok) assert.fail(r.error.message);
  return r.bytes;
}

function decoded(bytes: Uint8Array, tables?: SeriesTableCache, sender = 'agent-1'): BatchMessage {
  const r = decodeCompactBatch(bytes, tables && { tables, sender });
  if (!r.ok) assert.fail(r.error.message);
  return r.message;
}

describe('series tables kept per agent', () => {
  it('decodes a batch whose table repeats to the same message as without the cache, reusing the table', () => {
    const tables = new SeriesTableCache();
    const first = decoded(bytesOf(poll(1)), tables);
    const second = decoded(bytesOf(poll(2)), tables);
    assert.deepEqual(tables.hits, 1);
    assert.deepEqual(second, decoded(bytesOf(poll(2))));
    assert.deepEqual(first, decoded(bytesOf(poll(1))));
    const a = columnsOf(first);
    const b = columnsOf(second);
    assert.ok(a && b);
    assert.equal(a.table, b.table, "the second batch got the first one's decoded table");
    // The columns say what the samples say.
    for (const [i, s] of second.samples.entries()) {
      const series: TableSeries = b.table.series[b.seriesOf[i]!]!;
      assert.equal(series.metric, s.metric);
      assert.equal(series.id, s.device_id ?? 0);
      assert.equal(series.target, s.device_id === undefined ? TARGET_AGENT : TARGET_DEVICE);
      assert.equal(b.ts[i], s.ts);
      assert.equal(b.values[i], s.value);
    }
  });

  it('decodes a table that differs in one series itself (another device, another unit)', () => {
    const tables = new SeriesTableCache();
    decoded(bytesOf(poll(1, 7)), tables);
    const other = decoded(bytesOf(poll(2, 8)), tables);
    assert.equal(tables.hits, 0);
    assert.deepEqual(
      other.samples.map((s) => s.device_id),
      [8, 8, 8, undefined],
    );
    const changed = poll(3, 7);
    const samples = changed.samples ?? [];
    samples[0] = { ...samples[0]!, unit: 'bit/s' };
    const m = decoded(bytesOf(changed), tables);
    assert.equal(tables.hits, 0);
    assert.equal(m.samples[0]!.unit, 'bit/s');
    assert.equal(m.samples[1]!.unit, 'bps');
  });

  it("keeps each agent's tables apart", () => {
    const tables = new SeriesTableCache();
    decoded(bytesOf(poll(1)), tables, 'agent-1');
    decoded(bytesOf(poll(2)), tables, 'agent-2');
    assert.equal(tables.hits, 0);
    const m = decoded(bytesOf(poll(3)), tables, 'agent-2');
    assert.equal(tables.hits, 1);
    assert.notEqual(columnsOf(m)?.table, undefined);
  });

  it('is used by decode() for the agent of the topic', () => {
    const tables = new SeriesTableCache();
    for (const seq of [1, 2, 3]) {
      const r = decode(topics.batch('agent-9'), bytesOf(poll(seq)), { seriesTables: tables });
      assert.ok(r.ok);
    }
    assert.equal(tables.hits, 2);
  });

  it('never keeps a table that was refused: the same bytes are refused again with the field path', () => {
    const tables = new SeriesTableCache();
    const bytes = bytesOf(poll(1), 'none');
    // "cpu_load" -> "CPU_load": same length, breaks the metric name rule.
    const at = Buffer.from(bytes).indexOf('cpu_load');
    assert.ok(at > 0);
    bytes[at] = 0x43;
    bytes[at + 1] = 0x50;
    bytes[at + 2] = 0x55;
    for (let i = 0; i < 2; i++) {
      const r = decodeCompactBatch(bytes, { tables, sender: 'agent-1' });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, /series\.\d+\.metric/);
    }
    assert.equal(tables.size, 0);
    assert.equal(tables.hits, 0);
  });

  it('is bounded per agent and in all, dropping the agents heard from least recently', () => {
    const tables = new SeriesTableCache({ perSender: 2, total: 4 });
    for (const device of [1, 2, 3]) decoded(bytesOf(poll(1, device)), tables, 'a');
    assert.equal(tables.size, 2);
    decoded(bytesOf(poll(2, 3)), tables, 'a'); // the newest kept
    decoded(bytesOf(poll(2, 2)), tables, 'a');
    decoded(bytesOf(poll(2, 1)), tables, 'a'); // the oldest was dropped
    assert.equal(tables.hits, 2);
    decoded(bytesOf(poll(1, 5)), tables, 'b');
    decoded(bytesOf(poll(1, 6)), tables, 'c');
    assert.ok(tables.size <= 4);
    const before = tables.hits;
    decoded(bytesOf(poll(3, 6)), tables, 'c');
    assert.equal(tables.hits, before + 1, 'the agent heard from last kept its table');
    tables.forget('c');
    decoded(bytesOf(poll(4, 6)), tables, 'c');
    assert.equal(tables.hits, before + 1);
  });
});
