import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorruptColumnError } from './codec/bits.js';
import { encodeLogRecord, readLogRecord } from './log-record.js';

function read(bytes: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  readLogRecord(bytes, (id, t, v) => out.push([id, t, v]));
  return out;
}

const sample = fc.tuple(
  fc.integer({ min: 1, max: 2 ** 40 }),
  fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
  fc.double(),
);

describe('head-log record', () => {
  it('gives back every sample in order, any float64 included (property)', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 200 }), (samples) => {
        const bytes = encodeLogRecord({
          ids: samples.map((s) => s[0]),
          ts: samples.map((s) => s[1]),
          values: samples.map((s) => s[2]),
          start: 0,
          end: samples.length,
        });
        const back = read(bytes);
        assert.equal(back.length, samples.length);
        back.forEach((b, i) => {
          const s = samples[i] as [number, number, number];
          assert.equal(b[0], s[0]);
          assert.equal(b[1], s[1]);
          assert.ok(Object.is(b[2], s[2]) || (Number.isNaN(b[2]) && Number.isNaN(s[2])));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('encodes a slice of the arrays and reads a record held in a Buffer at any offset', () => {
    const bytes = encodeLogRecord({
      ids: [9, 1, 2, 3],
      ts: [0, 10, 20, 15],
      values: [0, 1.5, -0, 7],
      start: 1,
      end: 4,
    });
    // SQLite hands blobs back as Buffers, often views into a shared pool at an odd offset.
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(bytes)]).subarray(3);
    assert.deepEqual(read(pooled), [
      [1, 10, 1.5],
      [2, 20, -0],
      [3, 15, 7],
    ]);
  });

  it('refuses malformed bytes with CorruptColumnError, never anything else (property)', () => {
    const good = encodeLogRecord({ ids: [1, 2, 3], ts: [5, 6, 7], values: [1, 2, 3], start: 0, end: 3 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(), fc.nat(255), (noise, at, byte) => {
        const mutated = Uint8Array.from(good);
        mutated[at % mutated.length] = byte;
        for (const bytes of [noise, mutated, good.subarray(0, at % good.length)]) {
          try {
            read(bytes);
          } catch (err) {
            assert.ok(err instanceof CorruptColumnError, String(err));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
