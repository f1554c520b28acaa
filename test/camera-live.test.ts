import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CameraConfig } from '@outpost/protocol';
import { WebSocketServer } from 'ws';
import { jpegSize } from '../agent/src/camera/ffmpeg/jpeg.js';
import { LiveSessions } from '../agent/src/camera/live/sessions.js';
import { needPeers } from './support/peers.js';
import { type RtspServer, startRtspServer } from './support/rtsp-server.js';
import { until as waitUntil } from './support/wait.js';

const skip = needPeers('ffmpeg', 'gst-inspect-1.0', '/usr/bin/python3');

function liveFfmpeg(port: number): string[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('ffmpeg') && l.includes(`127.0.0.1:${port}/`) && l.includes('pipe:1'));
}

const until = (cond: () => boolean, ms: number, what: string) => waitUntil(cond, ms, what, 50);

describe('agent live sessions against a real RTSP stream', { skip, timeout: 60_000 }, () => {
  let rtsp: RtspServer;
  let wss: WebSocketServer;
  let port: number;
  const received = new Map<string, Buffer[]>();
  const sockets = new Map<string, import('ws').WebSocket>();

  before(async () => {
    rtsp = await startRtspServer();
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws, req) => {
      const id = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
      received.set(id, []);
      sockets.set(id, ws);
      ws.on('message', (data: Buffer) => received.get(id)?.push(data));
    });
  });
  after(async () => {
    for (const ws of sockets.values()) ws.terminate();
    await new Promise((r) => wss.close(r));
    await rtsp.stop();
  });

  const camera = (path: string): CameraConfig => ({
    id: 7,
    name: 'cam',
    rtsp_url: rtsp.url(path),
    probe_interval_s: 60,
    snapshot_interval_s: 600,
  });

  it('MJPEG fallback (for an H.265 camera): whole JPEGs of the stream size, ffmpeg gone after stop', async () => {
    const live = new LiveSessions({ mjpegFps: 5 });
    await live.start({
      camera: camera('/h265'),
      sessionId: 'mjpeg1',
      format: 'mjpeg',
      pushUrl: `ws://127.0.0.1:${port}/mjpeg1?token=secret-token`,
    });
    await until(() => (received.get('mjpeg1')?.length ?? 0) >= 3, 20_000, 'three JPEGs');
    for (const frame of received.get('mjpeg1') ?? [])
      assert.deepEqual(jpegSize(frame), { width: 320, height: 240 });
    assert.equal(await live.stop('mjpeg1'), true);
    assert.deepEqual(liveFfmpeg(rtsp.port), []);
    assert.equal(live.count, 0);
  });

  it('fMP4: boxes in order; the hub closing the push socket stops ffmpeg within seconds', async () => {
    const live = new LiveSessions();
    const lines: string[] = [];
    await live.start({
      camera: camera('/h264'),
      sessionId: 'fmp4a',
      format: 'fmp4',
      pushUrl: `ws://127.0.0.1:${port}/fmp4a?token=secret-token`,
      log: (_l, line) => lines.push(line),
    });
    await until(
      () => (received.get('fmp4a') ?? []).filter((b) => b.toString('latin1', 4, 8) === 'mdat').length >= 2,
      20_000,
      'two fragments',
    );
    const types = (received.get('fmp4a') ?? []).map((b) => b.toString('latin1', 4, 8));
    assert.deepEqual(types.slice(0, 4), ['ftyp', 'moov', 'moof', 'mdat']);
    assert.ok(!lines.join('\n').includes('secret-token'), 'the push token is not logged');
    sockets.get('fmp4a')?.close();
    await until(() => live.count === 0 && liveFfmpeg(rtsp.port).length === 0, 5_000, 'ffmpeg gone');
  });

  it('fails clearly when the hub refuses the push connection', async () => {
    const live = new LiveSessions({ connectTimeoutMs: 2_000 });
    await assert.rejects(
      live.start({
        camera: camera('/h264'),
        sessionId: 'nope',
        format: 'fmp4',
        pushUrl: 'ws://127.0.0.1:1/x?token=t',
      }),
      /cannot open the live push connection to ws:\/\/127\.0\.0\.1:1\/x:/,
    );
    assert.equal(live.count, 0);
  });
});
