import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, encode } from '../codec.js';
import { BatchSchema } from '../messages/batch.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../messages/common.js';
import { topics } from '../topics.js';
import { encodeCompactBatch } from './compact-encode.js';
import { COMPACT_MAGIC, COMPRESSIONS } from './format.js';
import { validateBatchFast } from './validate.js';

const TOPIC = topics.batch('prop-agent');
const ts = fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS });
const metric = fc.oneof(
  fc.constantFrom('if_in_bps', 'if_out_bps', 'cpu_load', 'stream_fps', 'ups.battery_charge'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,12}(\.[a-z0-9_]{1,6}){0,2}$/),
);
const text = (maxLength: number) =>
  fc.oneof(
    fc.constantFrom('', 'Gi0/1', 'GigabitEthernet1/0/24', '1'),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'grapheme-ascii', maxLength }),
  );
const labelKey = fc.oneof(
  fc.constantFrom('if_index', 'if_name', 'sensor'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
);
const value = fc.oneof(
  fc.integer(),
  fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 100),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 2 ** 52, 2 ** 53 - 1, -(2 ** 53 - 1), Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2),
);
const id = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(Number.MAX_SAFE_INTEGER));
const target = fc.oneof(
  fc.constant({}),
  id.map((device_id) => ({ device_id })),
  id.map((camera_id) => ({ camera_id })),
);
const sampleWith = (minLabels: number, maxLabels: number) =>
  fc
    .tuple(
      target,
      fc.record(
        {
          metric,
          value,
          unit: fc.constantFrom('bps', 'percent', '', 'fps'),
          ts,
          labels: fc.dictionary(labelKey, text(20), { minKeys: minLabels, maxKeys: maxLabels }),
        },
        { requiredKeys: ['metric', 'value', 'ts'] },
      ),
    )
    .map(([t, s]) => ({ ...t, ...s }));
const sample = sampleWith(0, 4);
const event = fc.oneof(
  fc.record({ type: fc.constant('lifecycle'), ts, phase: fc.constantFrom('started', 'reconnected') }),
  fc.record({ type: fc.constant('error'), ts, message: text(40) }),
  fc.record({
    type: fc.constant('device_state'),
    ts,
    device_id: id,
    status: fc.constantFrom('online', 'unreachable'),
  }),
  fc.record({ type: fc.constant('firmware_update'), ts, version: text(8) }),
);
/** Valid batches whose samples often share series (repeated targets, metrics and labels). */
const batch = fc.record({
  v: fc.constant(1 as const),
  seq: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  sent_at: ts,
  samples: fc
    .array(sample, { maxLength: 40 })
    .chain((samples) =>
      fc
        .array(fc.nat({ max: Math.max(0, samples.length - 1) }), { maxLength: 40 })
        .map((picks) => [
          ...samples,
          ...(samples.length > 0 ? picks.map((i) => ({ ...samples[i]!, ts: samples[i]!.ts })) : []),
        ]),
    ),
  events: fc.array(event, { maxLength: 4 }),
});

function decoded(bytes: Uint8Array) {
  const r = decode(TOPIC, bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.message;
}

describe('any batch, both encodings', () => {
  it('decodes to the same samples and events from JSON and from compact (every compression)', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom(...COMPRESSIONS), (b, compression) => {
        const json = encode('batch', b);
        const compact = encodeCompactBatch(b, { compression });
        assert.ok(json.ok, !json.ok ? json.error.message : '');
        assert.ok(compact.ok, !compact.ok ? compact.error.message : '');
        assert.deepStrictEqual(decoded(compact.bytes), decoded(json.bytes));
      }),
      { numRuns: 250 },
    );
  });

  it('the hand-written batch check gives the schema result whenever it answers', () => {
    const mutated = fc
      .tuple(
        batch,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(
              fc.string({ maxLength: 10 }),
              fc.constantFrom(
                '__proto__',
                'constructor',
                'device_id',
                'camera_id',
                'unit',
                'labels',
                'samples',
                'events',
              ),
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          {
            maxLength: 3,
          },
        ),
      )
      .map(([b, edits]) => {
        const copy = JSON.parse(JSON.stringify(b)) as Record<string, unknown>;
        const isObj = (o: unknown): o is Record<string, unknown> =>
          typeof o === 'object' && o !== null && !Array.isArray(o);
        for (const [at, key, v] of edits) {
          // Replace or add a field of the batch, of a sample or of a sample's labels.
          const samples = Array.isArray(copy.samples) ? (copy.samples as unknown[]) : [];
          const sample = samples[at % Math.max(1, samples.length)];
          let into: Record<string, unknown> = copy;
          if (at % 3 === 1 && isObj(sample)) into = sample;
          if (at % 3 === 2 && isObj(sample) && isObj(sample.labels)) into = sample.labels;
          const keys = Object.keys(into);
          into[at % 2 === 0 && keys.length > 0 ? keys[at % keys.length]! : key] = v;
        }
        return copy;
      });
    // Around the limit of 16 labels.
    const wide = fc.record({
      v: fc.constant(1),
      seq: fc.constant(1),
      sent_at: ts,
      samples: fc.array(sampleWith(14, 18), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.oneof(batch, mutated, wide), (value) => {
        const fromJson = JSON.parse(JSON.stringify(value)) as unknown;
        const schema = BatchSchema.safeParse(fromJson);
        const fast = validateBatchFast(JSON.parse(JSON.stringify(value)));
        if (fast !== null) {
          assert.ok(schema.success, 'the fast check accepted what the schema refuses');
          assert.deepStrictEqual(fast, schema.data);
        }
        if (!schema.success) assert.equal(fast, null);
      }),
      { numRuns: 800 },
    );
  });

  it('the hand-written check answers for every valid batch (it is not always deferring)', () => {
    fc.assert(
      fc.property(batch, (b) => {
        assert.notEqual(validateBatchFast(JSON.parse(JSON.stringify(b))), null);
      }),
      { numRuns: 300 },
    );
  });
});

describe('compact decoding never throws', () => {
  const magic = Uint8Array.from([...COMPACT_MAGIC, 1]);
  it('turns random bytes after the magic into a result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (rest) => {
        const bytes = new Uint8Array(magic.length + rest.length);
        bytes.set(magic);
        bytes.set(rest, magic.length);
        const r = decode(TOPIC, bytes);
        if (!r.ok) assert.ok(r.error.message.startsWith('invalid batch: '));
      }),
      { numRuns: 2000 },
    );
  });

  it('turns mutated and truncated compact batches into an error or a schema-valid batch', () => {
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(batch, fc.constantFrom(...COMPRESSIONS), mutation, (b, compression, m) => {
        const e = encodeCompactBatch(b, { compression });
        assert.ok(e.ok);
        let bytes = e.bytes.slice();
        for (const [at, byte] of m.flips) bytes[3 + (at % (bytes.length - 3))] = byte;
        if (m.cut !== undefined) bytes = bytes.subarray(0, m.cut % bytes.length);
        const r = decode(TOPIC, bytes);
        if (r.ok) assert.ok(BatchSchema.safeParse(r.message).success, 'accepted a batch the schema refuses');
        else assert.ok(r.error.message.length > 0);
      }),
      { numRuns: 1000 },
    );
  });
});
