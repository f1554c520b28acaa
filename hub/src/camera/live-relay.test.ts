import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type WebSocket from 'ws';
import { chooseFormat } from '../services/camera-live.js';
import { type LiveLimits, LiveRelay, type SessionStart } from './live-relay.js';

/** A recording stand-in for a ws socket. */
class FakeSocket extends EventEmitter {
  sent: (string | Buffer)[] = [];
  closed?: { code: number; reason: string };
  bufferedAmount = 0;
  send(data: string | Buffer) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = { code, reason };
    this.emit('close', code, Buffer.from(reason));
  }
  boxes(): string[] {
    return this.sent.filter((d): d is Buffer => Buffer.isBuffer(d)).map((b) => b.toString('latin1', 4, 8));
  }
}
const ws = (s: FakeSocket) => s as unknown as WebSocket;

function box(type: string, size = 16): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(size, 0);
  b.write(type, 4, 'latin1');
  return b;
}

const LIMITS: LiveLimits = {
  maxViewers: 2,
  maxKbps: 1000,
  maxSessionMs: 60_000,
  pushConnectMs: 30_000,
  maxViewerBufferedBytes: 1_000_000,
};
const VIEW = { cameraId: 3, siteId: 1, format: 'fmp4' as const, userId: 1, pushBase: 'ws://127.0.0.1:1' };

function setup(limits: Partial<LiveLimits> = {}, now = () => 0) {
  const started: SessionStart[] = [];
  const stopped: SessionStart[] = [];
  const relay = new LiveRelay(
    {
      async start(s) {
        started.push(s);
      },
      async stop(s) {
        stopped.push(s);
      },
    },
    { ...LIMITS, ...limits },
    now,
  );
  return { relay, started, stopped };
}

describe('live relay', () => {
  it('starts the agent once, fans boxes out, and late joiners begin at init then the next fragment', () => {
    const { relay, started } = setup();
    const a = new FakeSocket();
    relay.join(ws(a), VIEW);
    assert.equal(started.length, 1);
    const push = new FakeSocket();
    assert.equal(relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push)), true);
    for (const t of ['ftyp', 'moov', 'moof', 'mdat']) push.emit('message', box(t), true);
    const b = new FakeSocket();
    relay.join(ws(b), VIEW);
    assert.equal(started.length, 1);
    push.emit('message', box('mdat'), true); // tail of a fragment b joined in the middle of
    for (const t of ['moof', 'mdat']) push.emit('message', box(t), true);
    assert.deepEqual(a.boxes(), ['ftyp', 'moov', 'moof', 'mdat', 'mdat', 'moof', 'mdat']);
    assert.deepEqual(b.boxes(), ['ftyp', 'moov', 'moof', 'mdat']);
    assert.match(String(a.sent[0]), /"type":"live".*"format":"fmp4"/);
  });

  it('stops the agent when the last viewer leaves, not before', () => {
    const { relay, started, stopped } = setup();
    const a = new FakeSocket();
    const b = new FakeSocket();
    relay.join(ws(a), VIEW);
    relay.join(ws(b), VIEW);
    const push = new FakeSocket();
    relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push));
    a.close(1000, 'bye');
    assert.equal(stopped.length, 0);
    b.close(1000, 'bye');
    assert.equal(stopped.length, 1);
    assert.equal(push.closed?.code, 1000);
    assert.equal(relay.sessions.length, 0);
  });

  it('refuses a viewer over the limit and a push with a wrong token or a second push', () => {
    const { relay, started } = setup();
    relay.join(ws(new FakeSocket()), VIEW);
    relay.join(ws(new FakeSocket()), VIEW);
    const third = relay.join(ws(new FakeSocket()), VIEW);
    assert.equal(third.ok, false);
    assert.equal(third.ok === false && third.status, 429);
    const s = started[0]!;
    assert.equal(relay.attachPush(s.sessionId, 'wrong-token', ws(new FakeSocket())), false);
    assert.equal(relay.attachPush('live_unknown', s.token, ws(new FakeSocket())), false);
    assert.equal(relay.attachPush(s.sessionId, s.token, ws(new FakeSocket())), true);
    assert.equal(relay.attachPush(s.sessionId, s.token, ws(new FakeSocket())), false);
  });

  it('ends a session whose stream exceeds the bandwidth limit', () => {
    let t = 0;
    const { relay, started, stopped } = setup({ maxKbps: 100 }, () => t);
    const v = new FakeSocket();
    relay.join(ws(v), VIEW);
    const push = new FakeSocket();
    relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push));
    push.emit('message', box('ftyp', 1000), true);
    t = 1000;
    push.emit('message', box('mdat', 20_000), true); // 168 kbit in 1 s
    assert.equal(v.closed?.code, 1008);
    assert.match(v.closed?.reason ?? '', /100 kbit\/s/);
    assert.equal(stopped.length, 1);
  });

  it('tells viewers why the agent ended the stream', () => {
    const { relay, started, stopped } = setup();
    const v = new FakeSocket();
    relay.join(ws(v), VIEW);
    const push = new FakeSocket();
    relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push));
    push.emit('close', 1000, Buffer.from('ffmpeg exit 1: 404 Not Found'));
    assert.equal(v.closed?.reason, 'ffmpeg exit 1: 404 Not Found');
    assert.equal(stopped.length, 1);
  });

  it('averages over the previous window so one large keyframe is no spike', () => {
    let t = 0;
    const { relay, started, stopped } = setup({ maxKbps: 100 }, () => t);
    relay.join(ws(new FakeSocket()), VIEW);
    const push = new FakeSocket();
    relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push));
    for (; t < 6_000; t += 500) push.emit('message', box('mdat', 2_500), true); // 40 kbit/s
    push.emit('message', box('mdat', 12_000), true); // a keyframe: 96 kbit at once
    assert.equal(stopped.length, 0);
    for (; t < 12_000; t += 100) push.emit('message', box('mdat', 2_500), true); // 200 kbit/s
    assert.equal(stopped.length, 1);
  });

  it('passes MJPEG frames through as they come', () => {
    const { relay, started } = setup();
    const v = new FakeSocket();
    relay.join(ws(v), { ...VIEW, format: 'mjpeg' });
    const push = new FakeSocket();
    relay.attachPush(started[0]!.sessionId, started[0]!.token, ws(push));
    const frame = Buffer.from([0xff, 0xd8, 1, 0xff, 0xd9]);
    push.emit('message', frame, true);
    assert.deepEqual(v.sent.at(-1), frame);
  });

  it('tells viewers when the agent never connects, and stops the session', async () => {
    const { relay, stopped } = setup({ pushConnectMs: 20 });
    const v = new FakeSocket();
    relay.join(ws(v), VIEW);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(v.closed?.code, 1013);
    assert.match(v.closed?.reason ?? '', /did not start the stream/);
    assert.equal(stopped.length, 1);
  });
});

describe('live format choice', () => {
  const table: [string | null, string | null, string | undefined][] = [
    ['{"codec":"H264"}', null, 'fmp4'],
    ['{"codec":"H265"}', null, 'mjpeg'],
    ['{"codec":"MJPEG"}', null, 'mjpeg'],
    [null, null, 'fmp4'],
    ['not json', null, 'fmp4'],
    ['{"codec":"H265"}', 'fmp4', 'fmp4'],
    ['{"codec":"H264"}', 'mjpeg', 'mjpeg'],
    ['{"codec":"H264"}', 'webm', undefined],
  ];
  for (const [stream, asked, want] of table) {
    it(`${stream} with ?format=${asked} -> ${want}`, () => {
      assert.equal(chooseFormat(stream, asked), want);
    });
  }
});
