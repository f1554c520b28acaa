import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needPeers } from '../../../../test/support/peers.js';
import { checkCameraTools, resolveTools } from './tools.js';

describe('camera tools', () => {
  it('takes ffprobe from the folder of a configured ffmpeg, else both from PATH', () => {
    assert.deepEqual(resolveTools('/opt/ffmpeg/bin/ffmpeg'), {
      ffmpeg: '/opt/ffmpeg/bin/ffmpeg',
      ffprobe: '/opt/ffmpeg/bin/ffprobe',
    });
    assert.deepEqual(resolveTools(), { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  });
  it('says what is missing and what stops working without it', () => {
    const r = checkCameraTools('/nonexistent/bin/ffmpeg');
    assert.equal(
      r.checks.every((c) => !c.ok),
      true,
    );
    assert.equal(r.missing.length, 2);
    assert.match(r.missing[0] ?? '', /ffmpeg not found .*snapshots and live view are unavailable/);
    assert.match(
      r.missing[1] ?? '',
      /ffprobe not found .*fps, bitrate and keyframe interval are not measured/,
    );
  });
  it('reports versions when installed', { skip: needPeers('ffmpeg', 'ffprobe') }, () => {
    const r = checkCameraTools();
    assert.deepEqual(r.missing, []);
    assert.match(r.checks[0]?.version ?? '', /^ffmpeg version/);
  });
});
