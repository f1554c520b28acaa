import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ffprobeArgs, parseFfprobeCompact } from './sample.js';

// Real ffprobe output against the GStreamer test server (/h264, 15 fps, keyframe every 15 frames), shortened.
function capture(): string {
  const lines = ['packet|pts_time=N/A|size=2291|flags=K_'];
  for (let i = 1; i <= 45; i++) {
    const key = i % 15 === 0;
    lines.push(
      `packet|pts_time=${(i / 15).toFixed(6)}|size=${key ? 2013 : 650}|flags=${key ? 'K_' : '__'}${i > 30 ? '|side_data|\n' : ''}`,
    );
  }
  lines.push('', 'stream|codec_name=h264|profile=Constrained Baseline|width=640|height=360');
  return lines.join('\n');
}

describe('ffprobe sample parsing', () => {
  it('measures fps, bitrate, keyframe interval and gaps', () => {
    const s = parseFfprobeCompact(capture());
    assert.equal(s.codec, 'H264');
    assert.equal(s.profile, 'Constrained Baseline');
    assert.equal(s.width, 640);
    assert.equal(s.height, 360);
    assert.equal(s.frames, 46);
    assert.equal(s.fps, 15);
    assert.equal(s.keyframeInterval, 15);
    assert.equal(s.maxGapS, 0.067);
    // (2291 + 42*650 + 3*2013) bytes * 8 over 46 frames at 15 fps
    assert.equal(s.bitrateKbps, Math.round(((2291 + 42 * 650 + 3 * 2013) * 8) / (46 / 15) / 100) / 10);
  });
  it('keeps what a cut-short output holds', () => {
    const s = parseFfprobeCompact(
      'packet|pts_time=0.0|size=100|flags=K_\npacket|pts_time=0.5|size=100|flags=__\npacket|pts_ti',
    );
    assert.equal(s.frames, 2);
    assert.equal(s.fps, 2);
    assert.equal(s.keyframeInterval, undefined);
    assert.equal(s.codec, undefined);
  });
  it('reports a stall as the longest timestamp gap', () => {
    const s = parseFfprobeCompact(
      ['0', '0.1', '0.2', '3.2', '3.3'].map((t) => `packet|pts_time=${t}|size=10|flags=__`).join('\n'),
    );
    assert.equal(s.maxGapS, 3);
  });
  it('reads a timestamp step backwards mid-read (RTCP re-basing) as one stream, not twice its frame rate', () => {
    // 15 frames at 15 fps, then the timestamps re-based 29/30 s back: sorted, they would interleave as 30 fps.
    const times = [
      ...Array.from({ length: 15 }, (_, i) => (i + 1) / 15),
      ...Array.from({ length: 15 }, (_, i) => (i + 1) / 15 + 1 / 30),
    ];
    const s = parseFfprobeCompact(
      times.map((t) => `packet|pts_time=${t.toFixed(6)}|size=10|flags=__`).join('\n'),
    );
    assert.equal(s.frames, 30);
    assert.equal(s.fps, 15);
    assert.equal(s.maxGapS, 0.067);
  });
  it('takes the GOP from the longest keyframe run: frames lost mid-read only shorten one', () => {
    const flags = Array.from({ length: 31 }, (_, i) => (i === 0 || i === 15 || i === 24 ? 'K_' : '__'));
    const s = parseFfprobeCompact(
      flags.map((f, i) => `packet|pts_time=${(i / 15).toFixed(6)}|size=10|flags=${f}`).join('\n'),
    );
    assert.equal(s.keyframeInterval, 15);
  });
  it('yields zero frames for empty output', () => {
    assert.deepEqual(parseFfprobeCompact(''), { frames: 0, durationS: 0 });
  });
  it('asks for TCP transport, an I/O timeout in microseconds and a bounded read', () => {
    const args = ffprobeArgs('rtsp://h/x', 3, 5000);
    assert.deepEqual(args.slice(args.indexOf('-rtsp_transport'), args.indexOf('-rtsp_transport') + 4), [
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
    ]);
    assert.equal(args[args.indexOf('-read_intervals') + 1], '%+3');
    assert.equal(args.at(-1), 'rtsp://h/x');
  });
});
