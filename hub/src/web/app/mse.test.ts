import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { bitrateMeter, boxType, codecOf, latencyOf } from './mse.js';

/** A box: 4-byte size, 4-byte type, payload. */
function box(type: string, payload: number[] | Uint8Array = []): Uint8Array {
  const body = [...payload];
  const size = 8 + body.length;
  return Uint8Array.from([
    size >>> 24,
    (size >> 16) & 255,
    (size >> 8) & 255,
    size & 255,
    ...Buffer.from(type),
    ...body,
  ]);
}

const hasFfmpeg = spawnSync('sh', ['-c', 'command -v ffmpeg'], { stdio: 'ignore' }).status === 0;

describe('live player helpers', () => {
  it('reads box types', () => {
    assert.equal(boxType(box('ftyp', [1, 2, 3])), 'ftyp');
    assert.equal(boxType(box('moof')), 'moof');
    assert.equal(boxType(Uint8Array.from([0, 0, 0])), '');
  });

  const cases: { name: string; init: Uint8Array; codec: string | null }[] = [
    {
      name: 'H.264 High 3.1',
      init: box('moov', box('avcC', [1, 0x64, 0x00, 0x1f, 0xff])),
      codec: 'avc1.64001f',
    },
    {
      name: 'H.264 Baseline 3.0',
      init: box('moov', box('avcC', [1, 0x42, 0xe0, 0x1e])),
      codec: 'avc1.42e01e',
    },
    { name: 'H.265', init: box('moov', box('hvc1', box('hvcC', [1]))), codec: 'hvc1.1.6.L93.B0' },
    { name: 'no video track', init: box('moov', box('mvhd', [0, 0, 0, 0])), codec: null },
    { name: 'a cut avcC', init: Uint8Array.from([...box('moov'), 0x61, 0x76, 0x63, 0x43, 1]), codec: null },
  ];
  for (const c of cases) it(`finds the codec: ${c.name}`, () => assert.equal(codecOf(c.init), c.codec));

  it('finds the codec of an init segment ffmpeg writes as the agent does (-c copy, frag_keyframe)', {
    skip: !hasFfmpeg && 'needs ffmpeg',
  }, () => {
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=10',
        '-t',
        '1',
        '-c:v',
        'libx264',
        '-profile:v',
        'main',
        '-level',
        '3.1',
        '-pix_fmt',
        'yuv420p',
        '-f',
        'mp4',
        '-movflags',
        'frag_keyframe+empty_moov+default_base_moof',
        'pipe:1',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    assert.equal(r.status, 0, r.stderr?.toString());
    const bytes = new Uint8Array(r.stdout);
    assert.equal(boxType(bytes), 'ftyp');
    // Main profile (77 = 0x4d), level 3.1 (31 = 0x1f).
    assert.match(codecOf(bytes) ?? '', /^avc1\.4d..1f$/);
  });

  it('measures bitrate over a sliding window', () => {
    const m = bitrateMeter(5000);
    m.add(125_000, 0);
    m.add(125_000, 1000);
    assert.equal(m.rate(2000), 1_000_000, '250 kB over 2 s = 1 Mbit/s');
    assert.equal(m.rate(10_000), 0, 'old samples leave the window');
  });

  it('measures latency as buffer ahead of the playhead plus time since the newest data', () => {
    assert.equal(latencyOf(10, 9, 5000, 5500), 1.5);
    assert.equal(latencyOf(null, 0, 0, 0), null);
    assert.equal(latencyOf(9, 9.5, 5000, 5000), 0, 'never negative');
  });
});
