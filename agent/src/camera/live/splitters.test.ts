import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JpegSplitter, Mp4BoxSplitter } from './splitters.js';

function box(type: string, payload: number): Buffer {
  const b = Buffer.alloc(8 + payload, 0x11);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
}

describe('fMP4 box splitter', () => {
  it('yields whole boxes whatever the chunking', () => {
    const stream = Buffer.concat([box('ftyp', 16), box('moov', 300), box('moof', 40), box('mdat', 1000)]);
    for (const step of [1, 7, 64, stream.length]) {
      const s = new Mp4BoxSplitter();
      const types: string[] = [];
      let bytes = 0;
      for (let i = 0; i < stream.length; i += step) {
        for (const b of s.push(stream.subarray(i, i + step))) {
          types.push(b.type);
          bytes += b.bytes.length;
        }
      }
      assert.deepEqual(types, ['ftyp', 'moov', 'moof', 'mdat']);
      assert.equal(bytes, stream.length);
    }
  });
  it('reads a 64-bit largesize', () => {
    const b = Buffer.alloc(24, 0);
    b.writeUInt32BE(1, 0);
    b.write('mdat', 4, 'latin1');
    b.writeBigUInt64BE(24n, 8);
    assert.deepEqual(
      new Mp4BoxSplitter().push(b).map((x) => [x.type, x.bytes.length]),
      [['mdat', 24]],
    );
  });
  it('refuses garbage and oversized boxes', () => {
    assert.throws(
      () => new Mp4BoxSplitter().push(Buffer.from('\x00\x00\x00\x10\x00\x01\x02\x03xxxxxxxx', 'latin1')),
      /not an MP4 box/,
    );
    assert.throws(() => new Mp4BoxSplitter(100).push(box('mdat', 200)), /exceeds 100/);
  });
});

describe('JPEG splitter', () => {
  it('cuts a stream of JPEGs at EOI, across chunks', () => {
    const a = Buffer.from([0xff, 0xd8, 1, 2, 0xff, 0x00, 0xff, 0xd9]);
    const b = Buffer.from([0xff, 0xd8, 3, 0xff, 0xd9]);
    const s = new JpegSplitter();
    const all = Buffer.concat([a, b]);
    const out = [...s.push(all.subarray(0, 5)), ...s.push(all.subarray(5, 10)), ...s.push(all.subarray(10))];
    assert.deepEqual(out, [a, b]);
  });
});
