import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRequest, header, RtspResponseParser } from './message.js';

describe('RTSP response parser', () => {
  it('assembles a response split across chunks, body by Content-Length', () => {
    const p = new RtspResponseParser();
    const text = 'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nhello';
    assert.deepEqual(p.push(Buffer.from(text.slice(0, 20))), []);
    const [res] = p.push(Buffer.from(text.slice(20)));
    assert.equal(res?.status, 200);
    assert.equal(res?.body.toString(), 'hello');
  });
  it('returns pipelined responses in order and keeps repeated headers', () => {
    const p = new RtspResponseParser();
    const out = p.push(
      Buffer.from(
        'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest a=1\r\nWWW-Authenticate: Basic realm=x\r\n\r\nRTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n',
      ),
    );
    assert.deepEqual(
      out.map((r) => r.status),
      [401, 404],
    );
    assert.equal(out[0]?.headers.get('www-authenticate')?.length, 2);
    assert.equal(header(out[1]!, 'CSeq'), '2');
  });
  it('accepts bare LF line ends and folded headers', () => {
    const [res] = new RtspResponseParser().push(
      Buffer.from('RTSP/1.0 200 OK\nCSeq: 1\nPublic: OPTIONS,\n DESCRIBE\n\n'),
    );
    assert.equal(header(res!, 'public'), 'OPTIONS, DESCRIBE');
  });
  it('skips interleaved RTP frames before a response', () => {
    const rtp = Buffer.from([0x24, 0, 0, 3, 1, 2, 3]);
    const [res] = new RtspResponseParser().push(
      Buffer.concat([rtp, Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 9\r\n\r\n')]),
    );
    assert.equal(header(res!, 'cseq'), '9');
  });
  it('refuses an HTTP answer and an oversized header', () => {
    assert.throws(
      () => new RtspResponseParser().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')),
      /not an RTSP status line/,
    );
    assert.throws(() => new RtspResponseParser().push(Buffer.from('<html>')), /not an RTSP response/);
    assert.throws(
      () =>
        new RtspResponseParser({ maxHeaderBytes: 16 }).push(Buffer.from('RTSP/1.0 200 OK\r\nX: aaaaaaaaa')),
      /longer than 16/,
    );
  });
  it('formats a request with CSeq first and a blank line at the end', () => {
    assert.equal(
      formatRequest('OPTIONS', 'rtsp://h/x', 1, [['User-Agent', 'Outpost']]),
      'OPTIONS rtsp://h/x RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Outpost\r\n\r\n',
    );
  });
});
