import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamSample } from './ffmpeg/sample.js';
import { RtspError, type RtspErrorCode } from './rtsp/errors.js';
import { DEFAULT_EXPECTATIONS, verdictForRtspError, verdictForSample } from './status.js';

describe('camera status from RTSP failures', () => {
  const table: [RtspErrorCode, string, RegExp][] = [
    ['auth_failed', 'auth_failed', /rejected/],
    ['auth_required', 'auth_failed', /rejected/],
    ['not_found', 'unreachable', /stream not found/],
    ['refused', 'unreachable', /camera unreachable/],
    ['connect_timeout', 'unreachable', /camera unreachable/],
    ['timeout', 'unreachable', /not answering RTSP/],
    ['closed', 'unreachable', /connection lost/],
    ['status', 'unreachable', /rejected/],
  ];
  for (const [code, status, reason] of table) {
    it(`${code} -> ${status}`, () => {
      const v = verdictForRtspError(new RtspError(code, 'rejected'));
      assert.equal(v.status, status);
      assert.match(v.reason ?? '', reason);
    });
  }
});

describe('camera status from a stream sample', () => {
  const base: StreamSample = { frames: 45, durationS: 2.93, fps: 15, bitrateKbps: 400, maxGapS: 0.07 };
  const table: [
    string,
    Partial<StreamSample>,
    { nominalFps?: number; minBitrateKbps?: number; sdpFps?: number },
    string,
    RegExp?,
  ][] = [
    ['flowing at nominal', {}, { nominalFps: 15 }, 'online'],
    ['a little below nominal', { fps: 12 }, { nominalFps: 15 }, 'online'],
    ['well below the configured nominal', { fps: 8 }, { nominalFps: 25 }, 'degraded', /^8 fps, nominal 25$/],
    ['well below what the SDP announces', { fps: 5 }, { sdpFps: 25 }, 'degraded', /5 fps, nominal 25/],
    ['no frames at all', { frames: 0, fps: undefined }, {}, 'degraded', /no video frames within 3 s/],
    ['a single frame', { frames: 1, fps: undefined }, {}, 'degraded', /only 1 frame/],
    ['frames stall', { maxGapS: 3.4 }, {}, 'degraded', /stalled for 3.4 s/],
    ['bitrate below expectation', { bitrateKbps: 20 }, { minBitrateKbps: 100 }, 'degraded', /20 kbps/],
  ];
  for (const [name, patch, exp, status, reason] of table) {
    it(`${name} -> ${status}`, () => {
      const facts = { codec: 'H264', ...(exp.sdpFps ? { fps: exp.sdpFps } : {}) };
      const v = verdictForSample(
        { ...base, ...patch },
        facts,
        { ...DEFAULT_EXPECTATIONS, nominalFps: exp.nominalFps, minBitrateKbps: exp.minBitrateKbps },
        3,
      );
      assert.equal(v.status, status);
      if (reason) assert.match(v.reason ?? '', reason);
    });
  }
});
