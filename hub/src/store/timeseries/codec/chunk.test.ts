import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorruptColumnError } from './bits.js';
import {
  chunkCount,
  decimalScale,
  decodeChunk,
  decodeColumns,
  decodeTimes,
  ENC_DEC,
  ENC_XOR,
  encodeChunk,
  encodeColumns,
  encodeTimes,
  hasSharedTimes,
} from './chunk.js';
import { decodeBuckets, encodeBuckets, mergeBuckets, rollUp } from './rollup.js';
import { StreamAppender } from './stream.js';

const T0 = Date.UTC(2026, 0, 1);
const f = (xs: number[]) => Float64Array.from(xs);

/** Bit-exact equality (NaN equals NaN, -0 differs from 0). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

function roundTrip(ts: number[], values: number[]) {
  const bytes = encodeChunk(f(ts), f(values));
  const back = decodeChunk(bytes);
  assert.deepEqual(Array.from(back.ts), ts);
  assert.ok(sameBits(back.values, f(values)), `values ${values} came back as ${Array.from(back.values)}`);
  assert.equal(chunkCount(bytes), ts.length);
  return bytes;
}

/** The value column's encoding byte of a one-column chunk. */
function valueEncoding(bytes: Uint8Array): number {
  let pos = 3; // format, count (< 128), columns (1)
  let tsLen = 0;
  let mul = 1;
  for (;;) {
    const b = bytes[pos++] as number;
    tsLen += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 128;
  }
  return bytes[pos + tsLen] as number;
}

describe('chunk codec', () => {
  const cases: [string, number[], number[]][] = [
    ['a single point', [T0], [42.5]],
    [
      'NaN, infinities and -0',
      [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4],
      [Number.NaN, Infinity, -Infinity, -0, 0],
    ],
    [
      'huge and tiny values',
      [T0, T0 + 1, T0 + 2, T0 + 3],
      [Number.MAX_VALUE, Number.MIN_VALUE, -1e308, 5e-324],
    ],
    ['integers beyond the integer column', [T0, T0 + 1, T0 + 2], [2 ** 53, -(2 ** 60), 2 ** 51 + 1]],
    ['equal timestamps', [T0, T0, T0, T0 + 5], [1, 2, 3, 4]],
    ['out-of-order timestamps', [T0 + 60_000, T0, T0 + 120_000, T0 + 30_000], [1, 2, 3, 4]],
    ['long gaps', [T0, T0 + 86_400_000 * 365, T0 + 1, -(2 ** 50), 2 ** 50], [1, 2, 3, 4, 5]],
    ['decimals', [T0, T0 + 60_000, T0 + 120_000], [41.5, 41.6, 0.001]],
    ['a constant', Array.from({ length: 120 }, (_, i) => T0 + i * 60_000), Array(120).fill(1000)],
  ];
  for (const [name, ts, values] of cases) it(`round-trips ${name}`, () => void roundTrip(ts, values));

  it('takes about two bits per sample (and the headers) for a constant at a regular interval', () => {
    const bytes = roundTrip(
      Array.from({ length: 120 }, (_, i) => T0 + i * 60_000),
      Array(120).fill(100_000_000),
    );
    assert.ok(bytes.length <= 30 + 24, `${bytes.length} bytes`);
  });

  it('stores decimal gauges as scaled integers and arbitrary floats as XOR', () => {
    const ts = Array.from({ length: 60 }, (_, i) => T0 + i * 60_000);
    const temps = ts.map((_, i) => Math.round((40 + Math.sin(i / 5) * 3) * 10) / 10);
    assert.equal(valueEncoding(roundTrip(ts, temps)), ENC_DEC);
    const rates = ts.map((_, i) => (123_456_789 + i * 7_919) / 60.013);
    assert.equal(valueEncoding(roundTrip(ts, rates)), ENC_XOR);
  });

  const scales: [number[], number][] = [
    [[1, 2, 3], 0],
    [[1.5, 2], 1],
    [[0.001, 2], 3],
    [[0.1 + 0.2], -1],
    [[-0], -1],
    [[Number.NaN], -1],
    [[Infinity], -1],
    [[2 ** 51], -1],
  ];
  for (const [values, k] of scales) {
    it(`finds decimal scale ${k} for ${values}`, () => assert.equal(decimalScale(values), k));
  }

  it('keeps timestamps apart when asked (format 2) and needs them back to decode', () => {
    const ts = f([T0, T0 + 10_007, T0 + 20_011]);
    const bytes = encodeChunk(ts, f([1, 2, 3]), { sharedTimes: true });
    assert.ok(hasSharedTimes(bytes));
    const times = decodeTimes(encodeTimes(ts), 3);
    assert.deepEqual(Array.from(decodeChunk(bytes, times).values), [1, 2, 3]);
    assert.deepEqual(Array.from(decodeChunk(bytes, times).ts), Array.from(ts));
    assert.throws(() => decodeChunk(bytes), CorruptColumnError);
    assert.throws(() => decodeChunk(bytes, times.subarray(1)), CorruptColumnError);
    assert.ok(!hasSharedTimes(encodeChunk(ts, f([1, 2, 3]))));
  });

  it('refuses what it cannot store exactly', () => {
    assert.throws(() => encodeChunk(f([]), f([])), RangeError);
    assert.throws(() => encodeChunk(f([T0 + 0.5]), f([1])), RangeError);
    assert.throws(() => encodeChunk(f([2 ** 51]), f([1])), RangeError);
    assert.throws(() => encodeChunk(f([T0, T0 + 1]), f([1])), RangeError);
  });

  it('reports corrupt bytes with CorruptColumnError, never anything else', () => {
    const good = encodeChunk(
      f(Array.from({ length: 50 }, (_, i) => T0 + i * 1000)),
      f(Array.from({ length: 50 }, (_, i) => i * 1.25)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(255), (noise, at, byte) => {
        for (const bytes of [
          noise,
          Uint8Array.from(good).fill(byte, at % good.length, (at % good.length) + 1),
        ]) {
          try {
            decodeColumns(bytes);
          } catch (err) {
            assert.ok(err instanceof CorruptColumnError, String(err));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any series (property)', () => {
    const ts = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ts, fc.double()), { minLength: 1, maxLength: 300 }),
        (pairs) =>
          void roundTrip(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          ),
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips regular series of decimals and integers (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), {
          minLength: 1,
          maxLength: 300,
        }),
        (step, k, rows) => {
          let t = T0;
          const ts = rows.map(([jitter]) => (t += step + jitter));
          const values = rows.map(([, m]) => m / 10 ** k);
          roundTrip(ts, values);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('stream appender (head)', () => {
  it('returns samples in arrival order, out of order and repeated ones included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.double()), { maxLength: 300 }),
        (pairs) => {
          const a = new StreamAppender();
          for (const [t, v] of pairs) a.append(t, v);
          const back = a.decode();
          assert.deepEqual(
            Array.from(back.ts),
            pairs.map((p) => p[0]),
          );
          assert.ok(sameBits(back.values, f(pairs.map((p) => p[1]))));
          assert.equal(a.count, pairs.length);
          const sorted = pairs.every((p, i) => i === 0 || p[0] > (pairs[i - 1] as [number, number])[0]);
          assert.equal(a.ordered, sorted);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('rollups', () => {
  it('buckets samples by start of bucket, in any order', () => {
    const b = rollUp([T0 + 299_999, T0, T0 + 300_000, T0 + 1], [4, 1, 10, 3], 300_000);
    assert.deepEqual(b, [
      { t: T0, count: 3, sum: 8, min: 1, max: 4 },
      { t: T0 + 300_000, count: 1, sum: 10, min: 10, max: 10 },
    ]);
    assert.deepEqual(decodeBuckets(encodeBuckets(b)), b);
  });

  it('merges buckets of the same start', () => {
    const a = [{ t: 0, count: 2, sum: 3, min: 1, max: 2 }];
    const b = [
      { t: 0, count: 1, sum: 7, min: 7, max: 7 },
      { t: 300, count: 1, sum: 1, min: 1, max: 1 },
    ];
    assert.deepEqual(mergeBuckets(a, b), [
      { t: 0, count: 3, sum: 10, min: 1, max: 7 },
      { t: 300, count: 1, sum: 1, min: 1, max: 1 },
    ]);
  });

  it('encodes a multi-column chunk', () => {
    const c = { ts: f([1, 2]), cols: [f([1, 2]), f([0.5, Number.NaN])] };
    const back = decodeColumns(encodeColumns(c));
    assert.deepEqual(Array.from(back.ts), [1, 2]);
    assert.equal(back.cols.length, 2);
    assert.ok(sameBits(back.cols[1] as Float64Array, f([0.5, Number.NaN])));
  });
});
