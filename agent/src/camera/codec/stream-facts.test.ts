import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CAMERAS } from '../fixtures/cameras.js';
import { RtspResponseParser } from '../rtsp/message.js';
import { BitReader, unescapeRbsp } from './bit-reader.js';
import { parseH264Sps } from './h264-sps.js';
import { parseH265Sps } from './h265-sps.js';
import { parseFmtp, parseSdp } from './sdp.js';
import { streamFactsFromSdp } from './stream-facts.js';

const b64 = (s: string) => Buffer.from(s, 'base64');

describe('stream facts from captured camera SDPs', () => {
  for (const cam of ALL_CAMERAS) {
    it(`reads codec, profile, level and size from ${cam.make}`, () => {
      const [res] = new RtspResponseParser().push(Buffer.from(cam.describe));
      assert.ok(res);
      assert.equal(res.status, 200);
      const sdp = parseSdp(res.body.toString('utf8'));
      assert.deepEqual(sdp.media, cam.expect.media);
      assert.ok(sdp.video);
      const facts = streamFactsFromSdp(sdp.video);
      assert.equal(facts.warning, undefined);
      assert.equal(facts.codec, cam.expect.codec);
      assert.equal(facts.profile, cam.expect.profile);
      assert.equal(facts.level, cam.expect.level);
      assert.equal(facts.width, cam.expect.width);
      assert.equal(facts.height, cam.expect.height);
      if (cam.expect.fps !== undefined) assert.equal(facts.fps, cam.expect.fps);
    });
  }
});

describe('fmtp', () => {
  it('keeps base64 padding and case of values, lower-cases names, tolerates spaces', () => {
    assert.deepEqual(
      parseFmtp('profile-level-id=4D4033; Packetization-Mode=1; sprop-parameter-sets=Z01A==,aOvjyyA='),
      {
        'profile-level-id': '4D4033',
        'packetization-mode': '1',
        'sprop-parameter-sets': 'Z01A==,aOvjyyA=',
      },
    );
  });
  it('keeps a value-less parameter as an empty string', () => {
    assert.deepEqual(parseFmtp('flag;a=1'), { flag: '', a: '1' });
  });
});

describe('SDP', () => {
  it('refuses text that is not an SDP', () => {
    assert.throws(() => parseSdp('<html>login</html>'), /not an SDP/);
  });
  it('names a static JPEG payload without rtpmap', () => {
    const sdp = parseSdp(
      'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 26\r\na=control:track1\r\n',
    );
    assert.equal(sdp.video?.encoding, 'JPEG');
    assert.equal(streamFactsFromSdp(sdp.video!).codec, 'MJPEG');
  });
  it('falls back to profile-level-id when sprop-parameter-sets is missing, with a warning', () => {
    const sdp = parseSdp(
      'v=0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=640028\r\n',
    );
    const facts = streamFactsFromSdp(sdp.video!);
    assert.equal(facts.profile, 'High');
    assert.equal(facts.level, '4');
    assert.match(facts.warning ?? '', /no sprop-parameter-sets/);
  });
  it('reports unreadable parameter sets as a warning, not an exception', () => {
    const sdp = parseSdp(
      'v=0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 sprop-parameter-sets=Z0I=\r\n',
    );
    const facts = streamFactsFromSdp(sdp.video!);
    assert.equal(facts.codec, 'H264');
    assert.match(facts.warning ?? '', /unreadable parameter sets/);
  });
  it('reads a=cliprect when no other size is given', () => {
    const sdp = parseSdp('v=0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 26\r\na=cliprect:0,0,480,640\r\n');
    assert.equal(sdp.video?.width, 640);
    assert.equal(sdp.video?.height, 480);
  });
});

describe('SPS parsing', () => {
  const h264: [string, string, { profile: string; level: string; width: number; height: number }][] = [
    [
      '1080p High with crop from 1088',
      'Z2QAKqzZQHgCJ+XARAAAAwAEAAADAMg8YMZY',
      { profile: 'High', level: '4.2', width: 1920, height: 1080 },
    ],
    [
      '1440p Main',
      'Z01AM+ygFABa2AiAAAADAIAAABkHjBjL',
      { profile: 'Main', level: '5.1', width: 2560, height: 1440 },
    ],
    [
      '720p Constrained Baseline',
      'Z0LAH9kAUAW7ARAAAAMAEAAAAwPA8YMkgA==',
      { profile: 'Constrained Baseline', level: '3.1', width: 1280, height: 720 },
    ],
    ['D1 Main', 'Z01AHuygWB7YCIAAAAMAgAAADweLFss=', { profile: 'Main', level: '3', width: 704, height: 480 }],
  ];
  for (const [name, sps, want] of h264) {
    it(`H.264 ${name}`, () => {
      const got = parseH264Sps(b64(sps));
      assert.deepEqual(
        { profile: got.profile, level: got.level, width: got.width, height: got.height },
        want,
      );
    });
  }
  it('H.264 timing info gives the frame rate', () => {
    assert.equal(parseH264Sps(b64('Z01AKeygPAET8uAiAAADAAIAAAMAeB4wYyw=')).fps, 30);
  });

  const h265: [string, string, { profile: string; level: string; width: number; height: number }][] = [
    [
      '2560x1920 Main 5.1',
      'QgEBIWAAAAMAkAAAAwAAAwCZoAFAIAeBZZWaSTK8BaAgAAADACAAAAMCgQ==',
      { profile: 'Main', level: '5.1', width: 2560, height: 1920 },
    ],
    [
      '1080p Main 4.1',
      'QgEBIWAAAAMAkAAAAwAAAwB7oAPAgBDlllZpJMrwFoCAAAADAIAAAAyE',
      { profile: 'Main', level: '4.1', width: 1920, height: 1080 },
    ],
    [
      '2688x1520 Main 5.1',
      'QgEBIWAAAAMAkAAAAwAAAwCZoAFQIAXxZZWaSTK8BaAgAAADACAAAAMDIQ==',
      { profile: 'Main', level: '5.1', width: 2688, height: 1520 },
    ],
  ];
  for (const [name, sps, want] of h265) {
    it(`H.265 ${name}`, () => {
      const got = parseH265Sps(b64(sps));
      assert.deepEqual(
        { profile: got.profile, level: got.level, width: got.width, height: got.height },
        want,
      );
    });
  }

  it('rejects a NAL unit that is not an SPS', () => {
    assert.throws(() => parseH264Sps(b64('aOvjyyA=')), /not an H.264 SPS/);
    assert.throws(() => parseH265Sps(b64('RAHBcrRiQA==')), /not an H.265 SPS/);
  });
  it('rejects a truncated SPS with a clear error', () => {
    assert.throws(() => parseH264Sps(b64('Z2QAKqzZ')), /ends early/);
  });
});

describe('bitstream helpers', () => {
  it('removes emulation-prevention bytes only after two zeros', () => {
    assert.deepEqual(
      [...unescapeRbsp(Uint8Array.of(0, 0, 3, 1, 0, 3, 0, 0, 3, 0))],
      [0, 0, 1, 0, 3, 0, 0, 0],
    );
  });
  it('reads Exp-Golomb codes', () => {
    // 1 | 010 | 011 | 00100 | 00101 -> ue 0,1,2,3 ; then se of 00101 (4) = -2
    const r = new BitReader(Uint8Array.of(0b10100110, 0b01000010, 0b10000000));
    assert.deepEqual([r.ue(), r.ue(), r.ue(), r.ue(), r.se()], [0, 1, 2, 3, -2]);
  });
});
