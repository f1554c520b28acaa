import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AgentEvent, CameraConfig, KnownEvent } from '@outpost/protocol';
import { jpegSize } from '../agent/src/camera/ffmpeg/jpeg.js';
import { GSTREAMER_H264 } from '../agent/src/camera/fixtures/cameras.js';
import { createCameraProber } from '../agent/src/camera/index.js';
import { needPeers } from './support/peers.js';
import { type RtspServer, startRtspServer } from './support/rtsp-server.js';

const skip = needPeers('ffmpeg', 'ffprobe', 'gst-inspect-1.0', '/usr/bin/python3');
const USER = 'viewer';
const PASSWORD = 'Zq7-secret-pass';

/** ffmpeg/ffprobe processes whose parent is this test process. */
function childTools(): string[] {
  const r = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /ffmpeg|ffprobe/.test(l));
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

type CameraState = Extract<KnownEvent, { type: 'camera_state' }>;

/** The one camera_state event of a probe result. */
function stateOf(r: { events: AgentEvent[] }): CameraState {
  const states = r.events.filter((e) => e.type === 'camera_state');
  assert.equal(states.length, 1);
  return states[0] as CameraState;
}

function camera(url: string, extra: Partial<CameraConfig> = {}): CameraConfig {
  return { id: 3, name: 'entrance', rtsp_url: url, probe_interval_s: 60, snapshot_interval_s: 600, ...extra };
}

describe('camera probe against real RTSP streams', { skip, concurrency: 3 }, () => {
  let open: RtspServer;
  let basic: RtspServer;
  let digest: RtspServer;
  const logs: string[] = [];
  const logger = {
    debug: (o: object, m: string) => logs.push(JSON.stringify(o) + m),
    info: (o: object, m: string) => logs.push(JSON.stringify(o) + m),
    warn: (o: object, m: string) => logs.push(JSON.stringify(o) + m),
  };
  const prober = createCameraProber({
    sampleSeconds: 2,
    logger,
    connectTimeoutMs: 3_000,
    responseTimeoutMs: 4_000,
  });

  before(async () => {
    [open, basic, digest] = await Promise.all([
      startRtspServer(),
      startRtspServer({ auth: 'basic', user: USER, password: PASSWORD }),
      startRtspServer({ auth: 'digest', user: USER, password: PASSWORD }),
    ]);
  });
  after(async () => {
    await Promise.all([open?.stop(), basic?.stop(), digest?.stop()]);
    assert.ok(!logs.some((l) => l.includes(PASSWORD)), 'a log line holds the password');
  });

  it('H.264: online with codec, profile, resolution, fps, bitrate and keyframe interval', async () => {
    const r = await prober.probe(camera(open.url('/h264')));
    const ev = stateOf(r);
    assert.equal(ev.status, 'online', ev.reason);
    assert.equal(ev.stream?.codec, 'H264');
    assert.equal(ev.stream?.width, 640);
    assert.equal(ev.stream?.height, 360);
    assert.ok(ev.stream?.profile);
    assert.ok((ev.stream?.fps ?? 0) > 11 && (ev.stream?.fps ?? 0) < 17, `fps ${ev.stream?.fps}`);
    assert.ok((ev.stream?.bitrate_kbps ?? 0) > 20, `bitrate ${ev.stream?.bitrate_kbps}`);
    assert.equal(ev.stream?.keyframe_interval, 15);
    assert.deepEqual(r.samples.map((s) => s.metric).sort(), [
      'rtsp_response_ms',
      'stream_bitrate_kbps',
      'stream_fps',
    ]);
    assert.ok(r.samples.every((s) => s.camera_id === 3));
  });

  it('H.265: codec and resolution from the SPS', async () => {
    const ev = stateOf(await prober.probe(camera(open.url('/h265'))));
    assert.equal(ev.status, 'online', ev.reason);
    assert.equal(ev.stream?.codec, 'H265');
    assert.equal(ev.stream?.profile, 'Main');
    assert.equal(ev.stream?.width, 320);
    assert.equal(ev.stream?.height, 240);
  });

  it('MJPEG: online, resolution from the stream itself', async () => {
    const ev = stateOf(await prober.probe(camera(open.url('/mjpeg'))));
    assert.equal(ev.status, 'online', ev.reason);
    assert.equal(ev.stream?.codec, 'MJPEG');
    assert.equal(ev.stream?.width, 320);
    assert.equal(ev.stream?.height, 240);
  });

  it('degraded when the stream runs well below the nominal fps', async () => {
    const ev = stateOf(await prober.probe(camera(open.url('/h264'), { nominal_fps: 30 })));
    assert.equal(ev.status, 'degraded');
    assert.match(ev.reason ?? '', /fps, nominal 30/);
  });

  it('a wrong path is unreachable with a clear 404 reason', async () => {
    const ev = stateOf(await prober.probe(camera(open.url('/Streaming/Channels/101'))));
    assert.equal(ev.status, 'unreachable');
    assert.match(ev.reason ?? '', /stream not found.*404/);
  });

  for (const kind of ['basic', 'digest'] as const) {
    it(`${kind} auth: right credentials -> online`, async () => {
      const server = kind === 'basic' ? basic : digest;
      const lines: string[] = [];
      const r = await prober.probe(camera(server.url('/h264'), { username: USER, password: PASSWORD }), {
        log: (_l, line) => lines.push(line),
      });
      const ev = stateOf(r);
      assert.equal(ev.status, 'online', ev.reason);
      assert.equal(ev.stream?.width, 640);
      assert.ok(
        lines.some((l) => l.includes(`auth ${kind === 'basic' ? 'basic' : 'digest-md5'}`)),
        lines.join('\n'),
      );
      assert.ok(!JSON.stringify({ r, lines }).includes(PASSWORD));
    });
    it(`${kind} auth: wrong password -> auth_failed, missing credentials -> auth_failed`, async () => {
      const server = kind === 'basic' ? basic : digest;
      const wrong = await prober.probe(camera(server.url('/h264'), { username: USER, password: 'not-it' }));
      const none = await prober.probe(camera(server.url('/h264')));
      for (const r of [wrong, none]) {
        const ev = stateOf(r);
        assert.equal(ev.status, 'auth_failed', ev.reason);
        assert.ok(!(ev.reason ?? '').includes('not-it'));
      }
    });
  }
});

describe('camera probe failure modes', { skip }, () => {
  let digest: RtspServer;
  const prober = createCameraProber({ sampleSeconds: 2, connectTimeoutMs: 3_000, responseTimeoutMs: 4_000 });
  before(async () => {
    digest = await startRtspServer({ auth: 'digest', user: USER, password: PASSWORD });
  });
  after(async () => {
    await digest?.stop();
  });

  it('a snapshot is a valid JPEG of the stream size', async () => {
    const snap = await prober.snapshot(camera(digest.url('/h264'), { username: USER, password: PASSWORD }));
    assert.equal(snap.image[0], 0xff);
    assert.equal(snap.image[1], 0xd8);
    assert.deepEqual(jpegSize(snap.image), { width: 640, height: 360 });
    assert.equal(snap.width, 640);
    assert.equal(snap.height, 360);
    assert.deepEqual(childTools(), []);
  });

  it('a snapshot with wrong credentials fails without echoing them', async () => {
    await assert.rejects(
      prober.snapshot(camera(digest.url('/h264'), { username: USER, password: 'wrong-pw-123' })),
      (err: Error) => {
        assert.ok(!err.message.includes('wrong-pw-123'), err.message);
        return true;
      },
    );
  });

  it('cancelling a probe mid-sample leaves no ffprobe behind', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = prober.probe(camera(digest.url('/h264'), { username: USER, password: PASSWORD }), {
      signal: ac.signal,
      log: (_l, line) => {
        if (line.startsWith('sampling')) setTimeout(() => ac.abort(), 300);
      },
    });
    assert.ok(stateOf(await p).status);
    assert.ok(Date.now() - started < 5_000);
    assert.ok(await waitFor(() => childTools().length === 0, 2_000), childTools().join(', '));
  });
  it('a port that accepts TCP but never answers: unreachable within the response timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const prober = createCameraProber({ connectTimeoutMs: 1_000, responseTimeoutMs: 1_000 });
      const started = Date.now();
      const ev = stateOf(await prober.probe(camera(`rtsp://127.0.0.1:${port}/live`)));
      const took = Date.now() - started;
      assert.equal(ev.status, 'unreachable');
      assert.match(ev.reason ?? '', /not answering RTSP.*1000 ms/);
      assert.ok(took >= 900 && took < 3_000, `took ${took} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a camera that answers DESCRIBE but never streams: degraded, bounded time, no ffprobe left', async () => {
    const sdp = GSTREAMER_H264.describe.slice(GSTREAMER_H264.describe.indexOf('v=0'));
    const sockets: net.Socket[] = [];
    const mute = net.createServer((sock) => {
      sockets.push(sock);
      sock.on('error', () => {});
      sock.on('data', (d) => {
        const text = d.toString();
        const cseq = /CSeq: (\d+)/i.exec(text)?.[1];
        if (text.startsWith('OPTIONS'))
          sock.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n`);
        else if (text.startsWith('DESCRIBE')) {
          sock.write(
            `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
          );
        }
        // SETUP and PLAY get no answer: the stream never starts.
      });
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    try {
      const prober = createCameraProber({
        sampleSeconds: 2,
        connectTimeoutMs: 1_000,
        responseTimeoutMs: 1_500,
      });
      const started = Date.now();
      const ev = stateOf(await prober.probe(camera(`rtsp://127.0.0.1:${port}/live`)));
      const took = Date.now() - started;
      assert.equal(ev.status, 'degraded', ev.reason);
      assert.match(ev.reason ?? '', /video stopped|no video frames/);
      assert.equal(ev.stream?.codec, 'H264');
      assert.ok(took < 10_000, `took ${took} ms`);
      assert.ok(await waitFor(() => childTools().length === 0, 2_000), childTools().join(', '));
    } finally {
      for (const s of sockets) s.destroy();
      mute.close();
    }
  });

  it('a closed port is unreachable at once', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const ev = stateOf(await createCameraProber().probe(camera(`rtsp://127.0.0.1:${port}/live`)));
    assert.equal(ev.status, 'unreachable');
    assert.match(ev.reason ?? '', /refused/);
  });

  it('the server killed mid-probe: unreachable, bounded time, no ffprobe left', async () => {
    const server = await startRtspServer();
    try {
      const prober = createCameraProber({
        sampleSeconds: 3,
        connectTimeoutMs: 2_000,
        responseTimeoutMs: 2_000,
      });
      const started = Date.now();
      const r = await prober.probe(camera(server.url('/h264')), {
        log: (_l, line) => {
          if (line.startsWith('sampling')) setTimeout(() => server.kill(), 700);
        },
      });
      const took = Date.now() - started;
      const ev = stateOf(r);
      assert.notEqual(ev.status, 'online');
      assert.equal(ev.status, 'unreachable', ev.reason);
      assert.ok(took < 15_000, `took ${took} ms`);
      assert.ok(await waitFor(() => childTools().length === 0, 2_000), childTools().join(', '));
    } finally {
      await server.stop();
    }
  });

  it('without ffmpeg: status and SDP facts still work, snapshots say what is missing', async () => {
    const server = await startRtspServer();
    try {
      const prober = createCameraProber({ ffmpegPath: '/nonexistent/bin/ffmpeg' });
      const ev = stateOf(await prober.probe(camera(server.url('/h264'))));
      assert.equal(ev.status, 'online');
      assert.match(ev.reason ?? '', /ffprobe not installed/);
      assert.equal(ev.stream?.codec, 'H264');
      assert.equal(ev.stream?.width, 640);
      await assert.rejects(prober.snapshot(camera(server.url('/h264'))), /ffmpeg.*not installed/);
    } finally {
      await server.stop();
    }
  });
});
