import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact, redactUrls, withCredentials } from './redact.js';

describe('redaction', () => {
  it('hides the userinfo of every URL in a text', () => {
    assert.equal(
      redactUrls('ffmpeg -i rtsp://admin:s3cret@10.0.0.5:554/Streaming/Channels/101 and rtsps://u@h/x'),
      'ffmpeg -i rtsp://***@10.0.0.5:554/Streaming/Channels/101 and rtsps://***@h/x',
    );
  });
  it('hides literal and percent-encoded secrets', () => {
    assert.equal(redact('bad password p@ss:w0rd or p%40ss%3Aw0rd', ['p@ss:w0rd']), 'bad password *** or ***');
  });
  it('inserts percent-encoded credentials for tools that need them in the URL', () => {
    const url = withCredentials('rtsp://192.0.2.1:554/h264', 'ad min', 'p@ss:w/rd');
    assert.equal(url, 'rtsp://ad%20min:p%40ss%3Aw%2Frd@192.0.2.1:554/h264');
    assert.equal(redactUrls(url), 'rtsp://***@192.0.2.1:554/h264');
    assert.equal(withCredentials('rtsp://h/x'), 'rtsp://h/x');
  });
});
