import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiJson, encodeEvent, type Piece, parsePiece, Reassembly } from './envelope.js';

const piece = (m: string): Piece => {
  const p = parsePiece(m);
  if ('error' in p) throw new Error(p.error);
  return p;
};

describe('event envelope', () => {
  it('escapes every non-ASCII character so that a character is a byte, and parses back the same', () => {
    const value = { name: 'Café – 東京 🎥', n: 1 };
    const json = asciiJson(value);
    assert.equal(Buffer.byteLength(json), json.length);
    assert.deepEqual(JSON.parse(json), value);
  });

  const sizes: { name: string; payload: unknown; pieces: number }[] = [
    { name: 'a small event fits one message', payload: { a: 1 }, pieces: 1 },
    { name: 'a 20 kB event takes several', payload: { s: 'x'.repeat(20_000) }, pieces: 3 },
    { name: 'non-ASCII text is cut on escapes safely', payload: { s: 'é'.repeat(3000) }, pieces: 3 },
  ];
  for (const c of sizes) {
    it(`${c.name}, each within the byte limit, and reassembles`, () => {
      const messages = encodeEvent('hubA', 7, 'samples', c.payload, 7900);
      assert.equal(messages.length, c.pieces);
      for (const m of messages) assert.ok(Buffer.byteLength(m) <= 7900, `${Buffer.byteLength(m)} bytes`);
      const r = new Reassembly();
      const results = messages.map((m) => r.add(piece(m), 0));
      assert.deepEqual(results.at(-1), { name: 'samples', payload: c.payload });
      assert.ok(results.slice(0, -1).every((x) => x === undefined));
      assert.equal(r.pending, 0);
    });
  }

  it('puts back events of two hubs whose pieces interleave', () => {
    const a = encodeEvent('hubA', 1, 'samples', { s: 'a'.repeat(9000) }, 4000);
    const b = encodeEvent('hubB', 1, 'samples', { s: 'b'.repeat(9000) }, 4000);
    const r = new Reassembly();
    const out = [a[0], b[0], a[1], b[1], a[2], b[2]].map((m) => r.add(piece(m as string), 0));
    assert.deepEqual(out.filter(Boolean), [
      { name: 'samples', payload: { s: 'a'.repeat(9000) } },
      { name: 'samples', payload: { s: 'b'.repeat(9000) } },
    ]);
  });

  it('reports a piece that comes without those before it and drops an event whose sender stopped', () => {
    const m = encodeEvent('hubA', 3, 'samples', { s: 'x'.repeat(9000) }, 4000);
    const r = new Reassembly(1000);
    assert.match(JSON.stringify(r.add(piece(m[1] as string), 0)), /out of order/);
    assert.equal(r.add(piece(m[0] as string), 0), undefined);
    assert.equal(r.pending, 1);
    // Another event later: the stale one is forgotten.
    r.add(piece(encodeEvent('hubB', 1, 'x', {}, 4000)[0] as string), 5000);
    assert.equal(r.pending, 0);
  });

  const bad: { name: string; message: string; error: RegExp }[] = [
    { name: 'no header', message: '{"a":1}', error: /no header line/ },
    { name: 'another version', message: 'v2 a 1 0 1 x\n{}', error: /unknown header/ },
    { name: 'a piece past the count', message: 'v1 a 1 2 2 x\n{}', error: /piece 2 of 2/ },
    { name: 'numbers that are not', message: 'v1 a one 0 1 x\n{}', error: /header numbers/ },
  ];
  for (const c of bad) {
    it(`refuses a message with ${c.name}`, () => {
      const p = parsePiece(c.message);
      assert.ok('error' in p);
      assert.match(p.error, c.error);
    });
  }

  it('refuses to build a message from an origin or name that would break the header', () => {
    assert.throws(() => encodeEvent('a b', 1, 'x', {}, 7900), /origin/);
    assert.throws(() => encodeEvent('a', 1, 'x\ny', {}, 7900), /event name/);
  });
});
