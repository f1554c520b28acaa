import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITY_COMPACT_BATCH, decode, isCompactBatch, type Sample, topics } from '@outpost/protocol';
import { batchEncodingFor, encodeBatch } from './batch.js';

const T = Date.UTC(2026, 0, 1);
const good: Sample = { metric: 'cpu_load', value: 1, ts: T };
const bad = { metric: 'cpu_load', value: 2, ts: 12 } as Sample;
const read = (bytes: Uint8Array) => {
  const r = decode(topics.batch('agent-1'), bytes);
  if (!r.ok || r.kind !== 'batch') throw new Error('not a batch');
  return r.message;
};

describe('encodeBatch', () => {
  it('encodes a valid batch as stored, keeping its sent_at', () => {
    const r = encodeBatch({ seq: 4, sentAt: T, samples: [good], events: [] }, T + 999);
    assert.equal(r.removed, 0);
    assert.deepEqual(read(r.bytes), { v: 1, seq: 4, sent_at: T, samples: [good], events: [] });
  });

  it('sends a refused batch without the refused items, the same way every time', () => {
    const batch = { seq: 5, sentAt: T, samples: [good, bad], events: [] };
    const a = encodeBatch(batch, T);
    const b = encodeBatch(batch, T + 10_000);
    assert.equal(a.removed, 1);
    assert.match(a.error ?? '', /samples\.1\.ts/);
    assert.deepEqual(read(a.bytes).samples, [good]);
    assert.deepEqual(a.bytes, b.bytes);
  });

  it('encodes compact when asked, to the same batch', () => {
    const batch = {
      seq: 7,
      sentAt: T,
      samples: [good, { ...good, value: 2.5, labels: { if_index: '3' } }],
      events: [],
    };
    const c = encodeBatch(batch, T, 'compact');
    assert.equal(c.encoding, 'compact');
    assert.ok(isCompactBatch(c.bytes));
    assert.deepEqual(read(c.bytes), read(encodeBatch(batch, T, 'json').bytes));
    assert.ok(c.bytes.length < encodeBatch(batch, T, 'json').bytes.length);
  });

  it('drops refused items from a compact batch too, the same way every time', () => {
    const batch = { seq: 8, sentAt: T, samples: [good, bad], events: [] };
    const a = encodeBatch(batch, T, 'compact');
    assert.equal(a.encoding, 'compact');
    assert.equal(a.removed, 1);
    assert.match(a.error ?? '', /samples\.1\.ts/);
    assert.deepEqual(read(a.bytes).samples, [good]);
    assert.deepEqual(a.bytes, encodeBatch(batch, T + 5_000, 'compact').bytes);
  });

  it('sends as JSON what the compact form cannot carry (a lone surrogate)', () => {
    const odd = { ...good, labels: { if_name: 'Gi\uD800' } };
    const r = encodeBatch({ seq: 9, sentAt: T, samples: [odd], events: [] }, T, 'compact');
    assert.equal(r.encoding, 'json');
    assert.equal(r.removed, 0);
    assert.deepEqual(read(r.bytes).samples, [odd]);
  });

  it('repairs a sent_at taken while the clock was not set', () => {
    const r = encodeBatch({ seq: 6, sentAt: 1_000, samples: [good], events: [] }, T);
    assert.equal(read(r.bytes).sent_at, T);
  });
});

describe('batchEncodingFor', () => {
  const cases: [string, 'auto' | 'json', string[] | undefined, 'json' | 'compact'][] = [
    ['an older hub (no capabilities)', 'auto', undefined, 'json'],
    ['a hub with other capabilities only', 'auto', ['some.future.capability'], 'json'],
    [
      'a hub that reads compact batches',
      'auto',
      ['some.future.capability', CAPABILITY_COMPACT_BATCH],
      'compact',
    ],
    ['a hub announcing a later format only', 'auto', ['batch.compact.2'], 'json'],
    ['batch_encoding json, whatever the hub', 'json', [CAPABILITY_COMPACT_BATCH], 'json'],
  ];
  for (const [what, setting, capabilities, want] of cases) {
    it(`sends ${want} to ${what}`, () => {
      assert.equal(batchEncodingFor(setting, capabilities ? { capabilities } : {}), want);
    });
  }
});
