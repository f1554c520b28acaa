import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { decode, encode, type ProtocolError } from '../codec.js';
import { LIMITS } from '../limits.js';
import type { BatchInput, BatchMessage, Sample } from '../messages/batch.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../messages/common.js';
import { EXAMPLES } from '../testing/examples.js';
import { topics } from '../topics.js';
import { ByteWriter, zigzag } from './bytes.js';
import { decodeCompactBatch } from './compact-decode.js';
import { encodeCompactBatch, valueKind } from './compact-encode.js';
import { COMPACT_LIMITS, COMPRESSIONS, type Compression, isCompactBatch, VALUE_FLOAT64 } from './format.js';

const T = Date.UTC(2026, 10, 22, 8);
const TOPIC = topics.batch('agent-1');

function compact(batch: BatchInput, compression: Compression = 'deflate-raw'): Uint8Array {
  const r = encodeCompactBatch(batch, { compression });
  if (!r.ok) assert.fail(r.error.message);
  return r.bytes;
}

function viaJson(batch: BatchInput): BatchMessage {
  const e = encode('batch', batch);
  if (!e.ok) assert.fail(e.error.message);
  return viaCompact(e.bytes);
}

function viaCompact(bytes: Uint8Array): BatchMessage {
  const r = decode(TOPIC, bytes);
  if (!r.ok) assert.fail(r.error.message);
  if (r.kind !== 'batch') assert.fail(r.kind);
  return r.message;
}

function refused(bytes: Uint8Array): ProtocolError {
  const r = decode(TOPIC, bytes);
  assert.equal(r.ok, false, 'expected a refusal');
  if (r.ok) throw new Error('unreachable');
  assert.match(r.error.message, /^invalid batch: /);
  return r.error;
}

function bytesTo(w: ByteWriter, bytes: number[]): void {
  for (const b of bytes) w.byte(b);
}

/** A compact payload around a hand-written body (no compression unless asked). */
function frame(body: Uint8Array, opts: { format?: number; compression?: number; length?: number } = {}) {
  const w = new ByteWriter();
  w.bytes(new Uint8Array([0x4f, 0x50, 0x42, opts.format ?? 1, opts.compression ?? 0]));
  w.varint(opts.length ?? body.length);
  w.bytes(body);
  return w.result().slice();
}

/** The body of a one-sample batch, with parts replaceable to make it wrong. */
function body(
  parts: {
    seq?: number;
    strings?: string[];
    labelSets?: number[][];
    series?: (w: ByteWriter) => void;
    nSeries?: number;
    samples?: (w: ByteWriter) => void;
    events?: string;
    eventsBytes?: number[];
    trailing?: number[];
  } = {},
) {
  const w = new ByteWriter();
  w.varint(parts.seq ?? 1);
  w.varint(T);
  const strings = parts.strings ?? ['cpu_load', 'percent'];
  w.varint(strings.length);
  for (const s of strings) w.string(s);
  const sets = parts.labelSets ?? [];
  w.varint(sets.length);
  for (const set of sets) {
    w.varint(set.length / 2);
    for (const i of set) w.varint(i);
  }
  w.varint(parts.nSeries ?? 1);
  if (parts.series) parts.series(w);
  else {
    w.byte(0b101); // device, with a unit
    w.varint(7);
    w.varint(0);
    w.varint(1);
  }
  if (parts.samples) parts.samples(w);
  else {
    w.varint(1); // one sample
    w.varint(0); // series 0
    w.varint(0); // ts = sent_at
    w.byte(1); // decimal scale 1
    w.varint(zigzag(125)); // 12.5
  }
  if (parts.eventsBytes) {
    w.varint(parts.eventsBytes.length);
    w.bytes(Uint8Array.from(parts.eventsBytes));
  } else w.string(parts.events ?? '');
  for (const b of parts.trailing ?? []) w.byte(b);
  return w.result().slice();
}

describe('compact batches round-trip', () => {
  for (const compression of COMPRESSIONS) {
    it(`decodes the example batch (${compression}) to what its JSON form decodes to`, () => {
      const bytes = compact(EXAMPLES.batch, compression);
      assert.ok(isCompactBatch(bytes));
      assert.deepStrictEqual(viaCompact(bytes), viaJson(EXAMPLES.batch));
    });
  }

  it('keeps what tells series apart: target, unit absent or empty, labels absent, empty or reordered', () => {
    const base = { metric: 'm', value: 1, ts: T };
    const samples: Sample[] = [
      { ...base },
      { ...base, device_id: 1 },
      { ...base, camera_id: 1 },
      { ...base, device_id: 1, unit: '' },
      { ...base, device_id: 1, unit: 'bps' },
      { ...base, device_id: 1, labels: {} },
      { ...base, device_id: 1, labels: { a: 'x', b: 'y' } },
      { ...base, device_id: 1, labels: { b: 'y', a: 'x' } },
      { ...base, device_id: 1, labels: { a: 'x', b: 'y' }, unit: 'bps' },
      { ...base, device_id: 1, labels: { a: 'é ✓ 😀', b: '' } },
      { ...base, device_id: Number.MAX_SAFE_INTEGER },
    ];
    const batch = { v: 1 as const, seq: 3, sent_at: T, samples, events: [] };
    const got = viaCompact(compact(batch));
    assert.deepStrictEqual(got, viaJson(batch));
    // Key order of labels is what the JSON form carries too.
    assert.deepEqual(Object.keys(got.samples[7]!.labels!), ['b', 'a']);
  });

  const values: [string, number][] = [
    ['zero', 0],
    ['a small integer', 42],
    ['a negative integer', -7],
    ['the largest mantissa', 2 ** 52 - 1],
    ['2^52', 2 ** 52],
    ['an integer above the mantissa range', 2 ** 53 - 1],
    ['one decimal', 12.5],
    ['0.1', 0.1],
    ['a negative decimal', -3.25],
    ['a full-precision float', 1 / 3],
    ['a rate as the agent computes it', (123457 * 8 * 1000) / 60013],
    ['the largest double', Number.MAX_VALUE],
    ['the smallest double', Number.MIN_VALUE],
    ['a tiny decimal', 1e-15],
    ['a huge integer-valued double', 1e300],
  ];
  for (const [what, value] of values) {
    it(`carries ${what} (${value}) exactly`, () => {
      const batch = { v: 1 as const, seq: 1, sent_at: T, samples: [{ metric: 'm', value, ts: T }] };
      assert.equal(viaCompact(compact(batch)).samples[0]!.value, value);
    });
  }

  it('sends -0 as 0, as JSON does', () => {
    const batch = { v: 1 as const, seq: 1, sent_at: T, samples: [{ metric: 'm', value: -0, ts: T }] };
    assert.ok(Object.is(viaCompact(compact(batch)).samples[0]!.value, 0));
    assert.ok(Object.is(viaJson(batch).samples[0]!.value, 0));
  });

  it('carries equal, out-of-order and far-apart timestamps, before and after sent_at', () => {
    const ts = [T, T, T - 60_000, T + 5, MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS, T];
    const batch = {
      v: 1 as const,
      seq: 1,
      sent_at: T,
      samples: ts.map((t) => ({ metric: 'm', value: 1, ts: t })),
    };
    assert.deepEqual(
      viaCompact(compact(batch)).samples.map((s) => s.ts),
      ts,
    );
  });

  it('gives samples of one series one frozen labels object', () => {
    const labels = { if_index: '1' };
    const batch = {
      v: 1 as const,
      seq: 1,
      sent_at: T,
      samples: [
        { device_id: 1, metric: 'a', value: 1, ts: T, labels: { ...labels } },
        { device_id: 1, metric: 'a', value: 2, ts: T + 1, labels: { ...labels } },
        { device_id: 1, metric: 'b', value: 3, ts: T, labels: { ...labels } },
      ],
    };
    const got = viaCompact(compact(batch)).samples;
    assert.equal(got[0]!.labels, got[1]!.labels);
    assert.equal(got[0]!.labels, got[2]!.labels);
    assert.ok(Object.isFrozen(got[0]!.labels));
  });

  it(`accepts ${LIMITS.batchSamples} samples of distinct series`, () => {
    const samples = Array.from({ length: LIMITS.batchSamples }, (_, i) => ({
      device_id: 1 + (i % 50),
      metric: 'if_in_bps',
      value: i * 1.5,
      ts: T,
      labels: { if_index: String(i) },
    }));
    const batch = { v: 1 as const, seq: 1, sent_at: T, samples };
    assert.deepStrictEqual(viaCompact(compact(batch)), viaJson(batch));
  });
});

describe('value kinds', () => {
  const cases: [number, number][] = [
    [0, 0],
    [-1, 0],
    [2 ** 52 - 1, 0],
    [-(2 ** 52 - 1), 0],
    [2 ** 52, VALUE_FLOAT64],
    [12.5, 1],
    [0.25, 2],
    [99.999, 3],
    [1e-15, 15],
    [1e-16, VALUE_FLOAT64],
    [1 / 3, VALUE_FLOAT64],
    [Number.NaN, VALUE_FLOAT64],
  ];
  for (const [value, kind] of cases) {
    it(`stores ${value} as kind ${kind}`, () => {
      assert.equal(valueKind(value).kind, kind);
    });
  }
});

describe('compact batches are refused with the field path', () => {
  const cases: [string, () => Uint8Array, string, string, RegExp?][] = [
    ['an unknown format version', () => frame(body(), { format: 2 }), 'version', 'header.format', /format 2/],
    ['an unknown compression', () => frame(body(), { compression: 9 }), 'frame', 'header.compression'],
    [
      'a declared body over the limit',
      () => frame(body(), { length: COMPACT_LIMITS.bodyBytes + 1 }),
      'too_large',
      'header.length',
    ],
    ['a body shorter than declared', () => frame(body(), { length: 9_999 }), 'frame', 'body'],
    ['a body that ends early', () => frame(body().subarray(0, 20)), 'frame', 'strings.1'],
    ['bytes after the end', () => frame(body({ trailing: [0] })), 'frame', 'body'],
    ['seq 0', () => frame(body({ seq: 0 })), 'schema', 'seq'],
    [
      'a string that is not UTF-8',
      () =>
        frame(
          body({ strings: ['cpu_load', '\u0000'] }).map((b, i, a) => (b === 0 && a[i - 1] === 1 ? 0xff : b)),
        ),
      'encoding',
      'strings.1',
    ],
    [
      'a bad metric name',
      () => frame(body({ strings: ['CPU load', 'percent'] })),
      'schema',
      'series.0.metric',
      /metric name/,
    ],
    [
      'a unit too long',
      () => frame(body({ strings: ['cpu_load', 'x'.repeat(33)] })),
      'schema',
      'series.0.unit',
    ],
    [
      'a string index outside the table',
      () => frame(body({ strings: ['cpu_load'] })),
      'schema',
      'series.0.unit',
    ],
    [
      'a device id 0',
      () => frame(body({ series: (w) => bytesTo(w, [0b101, 0, 0, 1]) })),
      'schema',
      'series.0.device_id',
    ],
    [
      'unknown series flags',
      () => frame(body({ series: (w) => bytesTo(w, [0b10101, 7, 0, 1]) })),
      'schema',
      'series.0.flags',
    ],
    [
      'a label set outside the table',
      () => frame(body({ series: (w) => bytesTo(w, [0b1101, 7, 0, 1, 3]) })),
      'schema',
      'series.0.labels',
    ],
    [
      'a bad label key',
      () => frame(body({ strings: ['cpu_load', 'percent', 'If'], labelSets: [[2, 2]] })),
      'schema',
      'label_sets.0.0.key',
    ],
    [
      'a repeated label key',
      () => frame(body({ strings: ['cpu_load', 'percent', 'a'], labelSets: [[2, 2, 2, 2]] })),
      'schema',
      'label_sets.0.a',
      /repeated/,
    ],
    [
      'a sample of a series outside the table',
      () => frame(body({ samples: (w) => bytesTo(w, [1, zigzag(4), 0, 0, 0]) })),
      'schema',
      'samples.0.series',
    ],
    [
      'a timestamp out of range',
      () =>
        frame(
          body({
            samples: (w) => {
              w.varint(1);
              w.varint(0);
              w.varint(zigzag(MAX_TIMESTAMP_MS - T + 1));
              w.byte(0);
              w.varint(0);
            },
          }),
        ),
      'schema',
      'samples.0.ts',
    ],
    [
      'an unknown value kind',
      () => frame(body({ samples: (w) => bytesTo(w, [1, 0, 0, 17, 0]) })),
      'schema',
      'samples.0.value',
    ],
    [
      'a NaN value',
      () =>
        frame(
          body({
            samples: (w) => {
              bytesTo(w, [1, 0, 0, VALUE_FLOAT64]);
              w.float64Split([Number.NaN]);
            },
          }),
        ),
      'schema',
      'samples.0.value',
      /finite/,
    ],
    [
      'more samples than the limit',
      () => frame(body({ samples: (w) => w.varint(LIMITS.batchSamples + 1) })),
      'frame',
      'samples',
      /above the limit/,
    ],
    ['events that are not JSON', () => frame(body({ events: '[{' })), 'json', 'events'],
    [
      'events that are not UTF-8',
      () => frame(body({ eventsBytes: [0x5b, 0xff, 0x5d] })),
      'encoding',
      'events',
    ],
    [
      'a malformed event of a known type',
      () =>
        frame(
          body({ events: JSON.stringify([{ type: 'device_state', ts: T, device_id: 1, status: 'sleepy' }]) }),
        ),
      'schema',
      'events.0.status',
    ],
  ];
  for (const [what, bytes, code, path, message] of cases) {
    it(`refuses ${what}: ${code} at ${path}`, () => {
      const err = refused(bytes());
      assert.equal(err.code, code, err.message);
      assert.equal(err.issues[0]?.path, path, err.message);
      assert.ok(err.message.includes(`${path}: `), err.message);
      if (message) assert.match(err.message, message);
    });
  }

  it('decodes the hand-written body these cases start from', () => {
    const m = viaCompact(frame(body()));
    assert.deepStrictEqual(m.samples, [
      { device_id: 7, metric: 'cpu_load', value: 12.5, unit: 'percent', ts: T },
    ]);
  });

  it('stops a decompression bomb at the declared size', () => {
    const bomb = deflateRawSync(new Uint8Array(50 * 1024 * 1024));
    const err = refused(frame(bomb, { compression: 1, length: 1000 }));
    assert.equal(err.code, 'too_large');
    assert.equal(err.issues[0]?.path, 'body');
  });

  it('refuses a corrupt deflate stream', () => {
    const err = refused(frame(new Uint8Array([0xff, 0xff, 0xff]), { compression: 1, length: 10 }));
    assert.equal(err.code, 'frame');
    assert.match(err.message, /body: deflate-raw/);
  });

  it('refuses a compact payload over the byte limit before decompressing', () => {
    const err = refused(frame(new Uint8Array(LIMITS.batchBytes)));
    assert.equal(err.code, 'too_large');
  });

  it('names the decoder when called directly on JSON', () => {
    const r = decodeCompactBatch(new TextEncoder().encode('{"v":1}'));
    assert.equal(!r.ok && r.error.issues[0]?.path, 'header');
  });
});

describe('encodeCompactBatch refuses what encode refuses', () => {
  it('names the sample field of an invalid batch, as the JSON encoder does', () => {
    const bad = {
      ...EXAMPLES.batch,
      samples: [EXAMPLES.batch.samples![0]!, { metric: 'm', value: 1, ts: 12 }],
    };
    const c = encodeCompactBatch(bad);
    const j = encode('batch', bad);
    assert.equal(c.ok, false);
    assert.equal(j.ok, false);
    if (c.ok || j.ok) return;
    assert.equal(c.error.message, j.error.message);
    assert.equal(c.error.issues[0]?.path, 'samples.1.ts');
  });

  it('refuses a label value that UTF-8 cannot carry (a lone surrogate)', () => {
    const r = encodeCompactBatch({
      v: 1,
      seq: 1,
      sent_at: T,
      samples: [{ metric: 'm', value: 1, ts: T, labels: { if_name: 'Gi\uD800' } }],
    });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.issues[0]?.path, 'samples.0.labels.if_name');
  });

  it('refuses an unknown compression', () => {
    const r = encodeCompactBatch(EXAMPLES.batch, { compression: 'zstd' as Compression });
    assert.equal(r.ok, false);
  });
});
