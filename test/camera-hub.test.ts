import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { jpegSize } from '../agent/src/camera/ffmpeg/jpeg.js';
import { createCameraProber } from '../agent/src/camera/index.js';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { type RunningAgent, startAgent } from '../agent/src/runtime/index.js';
import { startTestHub, type TestHub, until } from './support/link.js';
import { needPeers } from './support/peers.js';
import { type RtspServer, startRtspServer } from './support/rtsp-server.js';

const skip = needPeers('ffmpeg', 'ffprobe', 'gst-inspect-1.0', '/usr/bin/python3');
const USER = 'viewer';
const PASSWORD = 'Cam-Pa55-never-logged';

/** ffmpeg processes reading this RTSP server (the agent's snapshot, probe or live ffmpeg). */
function ffmpegFor(port: number): string[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => /ff(mpeg|probe)/.test(l) && l.includes(`127.0.0.1:${port}/`));
}

interface Job {
  state: string;
  result: Record<string, unknown> | null;
  error: string | null;
}

describe('cameras through the hub: status, snapshots, live view', { skip, timeout: 120_000 }, () => {
  let rtsp: RtspServer;
  let hub: TestHub;
  let agent: RunningAgent;
  let cameraId: number;
  let scheduledId: number;
  let dataDir: string;
  const agentLogs: string[] = [];

  before(async () => {
    rtsp = await startRtspServer({ auth: 'digest', user: USER, password: PASSWORD });
    hub = await startTestHub();
    const site = await hub.site('shop-12');
    // As a new user would: through the API, credentials beside the URL.
    const created = await hub.api('POST', '/api/v1/cameras', {
      name: 'entrance',
      rtsp_url: rtsp.url('/h264'),
      ip_address: '127.0.0.1',
      username: USER,
      password: PASSWORD,
      site_id: site,
      meta: { probe_interval_s: 5, snapshot_interval_s: 0 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    cameraId = created.body.id;
    const scheduled = await hub.api('POST', '/api/v1/cameras', {
      name: 'yard',
      rtsp_url: rtsp.url('/mjpeg'),
      ip_address: '127.0.0.1',
      username: USER,
      password: PASSWORD,
      site_id: site,
      meta: { probe_interval_s: 600, snapshot_interval_s: 5 },
    });
    assert.equal(scheduled.status, 201, JSON.stringify(scheduled.body));
    scheduledId = scheduled.body.id;
    const enrolled = await hub.enroll(site);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-camera-agent-'));
    const settings = loadSettings(
      { data: dataDir },
      {
        OUTPOST_LOG_LEVEL: 'info',
        OUTPOST_RECONNECT_MIN_MS: '100',
        OUTPOST_RECONNECT_MAX_MS: '500',
        OUTPOST_STATE_INTERVAL_MS: '1000',
      },
    );
    const log = createLogger('info', { test: 'camera-hub' }, (line) => {
      agentLogs.push(line);
    });
    agent = await startAgent({
      settings,
      log,
      poller: null,
      prober: createCameraProber({ sampleSeconds: 2, logger: log.child({ part: 'camera' }) }),
      identity: {
        agent_id: enrolled.agent_id,
        secret: enrolled.secret,
        site_id: site,
        hub_url: hub.hub.url,
        mqtt_urls: [hub.mqttUrl],
        hostname: 'test-pi',
        enrolled_at: Date.now(),
      },
    });
  });

  after(async () => {
    await agent?.stop('test over');
    await hub?.close();
    await rtsp?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    assert.ok(!agentLogs.some((l) => l.includes(PASSWORD)), 'an agent log line holds the camera password');
  });

  const job = async (id: string): Promise<Job> =>
    until(
      async () => {
        const r = await hub.api('GET', `/api/v1/jobs/${id}`);
        return ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(r.body?.state)
          ? (r.body as Job)
          : undefined;
      },
      45_000,
      `job ${id}`,
    );

  it('the scheduled probe makes the camera online with its stream facts', async () => {
    const cam = await until(
      async () => {
        const r = await hub.api('GET', `/api/v1/cameras/${cameraId}`);
        return r.body?.status === 'online' ? r.body : undefined;
      },
      30_000,
      'camera online',
    );
    assert.equal(cam.stream?.codec, 'H264');
    assert.equal(cam.stream?.width, 640);
    assert.equal(cam.stream?.height, 360);
  });

  it('camera-test runs as a job with its log, credentials redacted', async () => {
    const r = await hub.api('POST', `/api/v1/cameras/${cameraId}/test`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const done = await job(r.body.job_id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    assert.equal(done.result?.status, 'online');
    const logs = await hub.api('GET', `/api/v1/jobs/${r.body.job_id}/logs`);
    const lines = (logs.body.items as { line: string }[]).map((l) => l.line);
    assert.ok(
      lines.some((l) => /DESCRIBE 200/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => /auth digest-md5/.test(l)));
    assert.ok(!JSON.stringify(logs.body).includes(PASSWORD));
  });

  it('a snapshot taken on demand reaches the hub and is served as a JPEG of the stream size', async () => {
    const r = await hub.api('POST', `/api/v1/cameras/${cameraId}/snapshot`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const done = await job(r.body.job_id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const res = await until(
      async () => {
        const x = await fetch(`${hub.hub.url}/api/v1/cameras/${cameraId}/snapshot`, {
          headers: { authorization: `Bearer ${hub.adminToken}` },
        });
        return x.status === 200 ? x : undefined;
      },
      10_000,
      'snapshot served',
    );
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    const image = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual(jpegSize(image), { width: 640, height: 360 });
    const list = await hub.api('GET', `/api/v1/cameras/${cameraId}/snapshots`);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].job_id, r.body.job_id);
    const cam = await hub.api('GET', `/api/v1/cameras/${cameraId}`);
    assert.ok(cam.body.last_snapshot_at);
    assert.equal(
      ffmpegFor(rtsp.port).filter((l) => l.includes('/h264') && l.includes('image2pipe')).length,
      0,
    );
  });

  it('scheduled snapshots arrive on their own, per camera interval', async () => {
    const items = await until(
      async () => {
        const r = await hub.api('GET', `/api/v1/cameras/${scheduledId}/snapshots`);
        return r.body?.items?.length
          ? (r.body.items as { job_id: string | null; width: number; height: number }[])
          : undefined;
      },
      20_000,
      'a scheduled snapshot',
    );
    assert.equal(items[0]?.job_id, null);
    assert.equal(items[0]?.width, 320);
    assert.equal(items[0]?.height, 240);
  });

  it('live view: fMP4 relayed through the hub, and the agent ffmpeg gone after the viewer leaves', async () => {
    const token = await hub.streamToken(`live:${cameraId}`);
    const url = `${hub.hub.url.replace('http', 'ws')}/api/v1/cameras/${cameraId}/live?access_token=${token}`;
    const ws = new WebSocket(url);
    const boxes: string[] = [];
    let header: { type?: string; format?: string } = {};
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) header = JSON.parse(data.toString());
      else boxes.push(data.toString('latin1', 4, 8));
    });
    await until(() => boxes.filter((b) => b === 'mdat').length >= 2, 40_000, 'fMP4 fragments');
    assert.equal(header.type, 'live');
    assert.equal(header.format, 'fmp4');
    assert.deepEqual(boxes.slice(0, 4), ['ftyp', 'moov', 'moof', 'mdat']);
    assert.ok(
      ffmpegFor(rtsp.port).some((l) => l.includes('frag_keyframe')),
      'the live ffmpeg runs on the agent',
    );
    ws.close();
    const gone = Date.now();
    await until(
      () => ffmpegFor(rtsp.port).filter((l) => l.includes('frag_keyframe')).length === 0,
      10_000,
      'live ffmpeg gone',
    );
    assert.ok(Date.now() - gone < 10_000);
    const audit = (
      await hub.hub.ctx.store.audit.list({ action: 'GET /api/v1/cameras/{id}/live' }, 1, 100)
    ).rows.map((r) => ({ username: r.username, target_id: r.target_id, outcome: r.outcome }));
    assert.deepEqual(audit, [{ username: 'admin', target_id: String(cameraId), outcome: 'success' }]);
    // The one-time push token is for the agent only.
    const jobs = await hub.api('GET', '/api/v1/jobs?per_page=100');
    const liveJobs = (jobs.body.items as { type: string; args: { push_url?: string } }[]).filter(
      (j) => j.type === 'live-start',
    );
    assert.ok(liveJobs.length >= 1);
    for (const j of liveJobs) assert.equal(j.args.push_url, '<secret>');
  });

  it('live view refuses a missing token and an unknown camera', async () => {
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    const base = hub.hub.url.replace('http', 'ws');
    assert.equal(await status(`${base}/api/v1/cameras/${cameraId}/live`), 401);
    const other = await hub.streamToken('live:9999');
    assert.equal(await status(`${base}/api/v1/cameras/9999/live?access_token=${other}`), 404);
    assert.equal(await status(`${base}/api/v1/cameras/live/push/live_nope?token=x`), 101); // accepted, then closed 1008
  });
});
