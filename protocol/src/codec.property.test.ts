import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode } from './codec.js';
import { MESSAGE_KINDS, topicFor } from './topics.js';

const enc = new TextEncoder();
const topic = fc.constantFrom(...MESSAGE_KINDS).map((k) => topicFor(k, 'prop-agent'));

describe('decode never throws', () => {
  it('turns random bytes into an error result', () => {
    fc.assert(
      fc.property(topic, fc.uint8Array({ maxLength: 2048 }), (t, bytes) => {
        const r = decode(t, bytes);
        // random bytes only decode if they happen to be a valid message, which is vanishingly rare
        if (r.ok) return true;
        assert.equal(typeof r.error.message, 'string');
        assert.ok(r.error.message.length > 0);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('turns random JSON into an error result', () => {
    fc.assert(
      fc.property(topic, fc.jsonValue(), (t, value) => {
        const r = decode(t, enc.encode(JSON.stringify(value) ?? 'null'));
        assert.equal(r.ok, false, JSON.stringify(value));
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('turns random objects that carry v: 1 into an error result', () => {
    const objects = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 8,
    });
    fc.assert(
      fc.property(topic, objects, (t, obj) => {
        const r = decode(t, enc.encode(JSON.stringify({ ...obj, v: 1 })));
        assert.equal(r.ok, false);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random topics', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), (t, bytes) => {
        decode(t, bytes);
        return true;
      }),
    );
  });
});
