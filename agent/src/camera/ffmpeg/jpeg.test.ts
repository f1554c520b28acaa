import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCompleteJpeg, jpegSize } from './jpeg.js';

// SOI, APP0 (JFIF, 16 bytes), DQT stub, SOF0 640x360, SOS, EOI.
const JPEG = Uint8Array.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x01, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x68, 0x02, 0x80, 0x03,
  0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9,
]);

describe('JPEG', () => {
  it('reads width and height from the SOF0 marker', () => {
    assert.deepEqual(jpegSize(JPEG), { width: 640, height: 360 });
    assert.equal(isCompleteJpeg(JPEG), true);
  });
  it('reads a progressive (SOF2) frame header', () => {
    const p = Uint8Array.from(JPEG);
    p[27] = 0xc2;
    assert.deepEqual(jpegSize(p), { width: 640, height: 360 });
  });
  it('refuses bytes that are not a JPEG or are cut', () => {
    assert.equal(jpegSize(Uint8Array.from([0x89, 0x50, 0x4e, 0x47])), undefined);
    assert.equal(isCompleteJpeg(JPEG.subarray(0, 30)), false);
    assert.equal(jpegSize(JPEG.subarray(0, 30)), undefined);
  });
});
