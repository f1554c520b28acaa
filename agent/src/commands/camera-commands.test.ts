import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CameraConfig, ConfigMessage } from '@outpost/protocol';
import { silentLogger } from '../logger.js';
import type { ProbeCallOptions, Prober, SnapshotInput } from '../runtime/types.js';
import { cameraTest } from './camera-test.js';
import { liveStart } from './live-start.js';
import { snapshot } from './snapshot.js';
import type { CommandContext, Job } from './types.js';

const T0 = Date.UTC(2026, 0, 1);
const camera: CameraConfig = {
  id: 3,
  name: 'entrance',
  rtsp_url: 'rtsp://192.0.2.20/Streaming/Channels/101',
  username: 'viewer',
  password: 'hunter2-secret',
  probe_interval_s: 60,
  snapshot_interval_s: 600,
};
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]);

function context(prober: Prober | null, published: SnapshotInput[] = []): CommandContext {
  return {
    config: () => null as ConfigMessage | null,
    device: () => undefined,
    camera: (id) => (id === camera.id ? camera : undefined),
    poller: null,
    prober,
    pollDevice: () => Promise.reject(new Error('no')),
    probeCamera: (c, opts) => (prober ? prober.probe(c, opts) : Promise.reject(new Error('no prober'))),
    publishSnapshot: async (s) => {
      published.push(s);
    },
    cancel: () => false,
    hubUrl: 'http://hub.test:8080',
    log: silentLogger,
  };
}

function job<A>(args: A): Job<A> & { lines: string[] } {
  const lines: string[] = [];
  return {
    id: 'job_1',
    args,
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    progress() {},
    partial() {},
    lines,
  };
}

const prober: Prober = {
  async probe(_c, opts?: ProbeCallOptions) {
    opts?.log?.('info', 'DESCRIBE 200 in 12 ms (auth digest-md5)');
    return {
      samples: [{ camera_id: 3, metric: 'stream_fps', value: 25, unit: 'fps', ts: T0 }],
      events: [
        {
          type: 'camera_state',
          ts: T0,
          camera_id: 3,
          status: 'online',
          stream: { codec: 'H264', width: 1920, height: 1080 },
        },
      ],
    };
  },
  async snapshot() {
    return { image: JPEG, width: 1920, height: 1080 };
  },
};

describe('camera commands', () => {
  it('camera-test returns the state, stream facts and samples, with the probe log as job lines', async () => {
    const j = job({ camera_id: 3 });
    const r = (await cameraTest.run(j, context(prober))) as Record<string, unknown>;
    assert.equal(r.status, 'online');
    assert.deepEqual(r.stream, { codec: 'H264', width: 1920, height: 1080 });
    assert.deepEqual(r.samples, { stream_fps: 25 });
    assert.ok(j.lines.some((l) => l.includes('DESCRIBE 200')));
  });
  it('camera-test fails clearly for an unknown camera or an agent without prober', async () => {
    await assert.rejects(
      cameraTest.run(job({ camera_id: 99 }), context(prober)),
      /camera 99 is not in this agent's config/,
    );
    await assert.rejects(cameraTest.run(job({ camera_id: 3 }), context(null)), /not available/);
  });
  it('snapshot publishes the JPEG tagged with the job id', async () => {
    const published: SnapshotInput[] = [];
    const r = (await snapshot.run(job({ camera_id: 3 }), context(prober, published))) as Record<
      string,
      unknown
    >;
    assert.equal(published.length, 1);
    assert.equal(published[0]?.job_id, 'job_1');
    assert.equal(published[0]?.camera_id, 3);
    assert.deepEqual(published[0]?.image, JPEG);
    assert.equal(r.width, 1920);
  });
  it('snapshot failures become job failures with their code', async () => {
    const failing: Prober = {
      ...prober,
      async snapshot() {
        throw Object.assign(new Error('ffmpeg is not installed or not executable: snapshots need ffmpeg'), {
          code: 'tool_missing',
        });
      },
    };
    await assert.rejects(
      snapshot.run(job({ camera_id: 3 }), context(failing)),
      (e: Error & { code?: string }) => e.code === 'tool_missing' && /ffmpeg/.test(e.message),
    );
  });
  it('live-start pushes only to the hub the agent enrolled with', async () => {
    const started: string[] = [];
    const live = {
      async start(s: { pushUrl: string; sessionId: string; format: string }) {
        started.push(s.pushUrl);
        return { session_id: s.sessionId, format: s.format };
      },
    };
    const withLive = { ...prober, live: async () => live } as unknown as Prober;
    const args = (push_url: string) => ({
      camera_id: 3,
      session_id: 's1',
      format: 'fmp4' as const,
      push_url,
    });
    for (const elsewhere of [
      'ws://attacker.example:8080/p?token=t',
      'ws://10.0.0.1:554/p',
      'ws://hub.test:22/p',
    ]) {
      await assert.rejects(
        liveStart.run(job(args(elsewhere)), context(withLive)),
        (e: Error & { code?: string }) =>
          e.code === 'push_url_refused' && /not this agent's hub \(ws:\/\/hub\.test:8080\)/.test(e.message),
      );
    }
    assert.deepEqual(started, [], 'the camera was never opened for a refused URL');
    await liveStart.run(job(args('/api/v1/cameras/live/push/s1?token=t')), context(withLive));
    await liveStart.run(
      job(args('ws://hub.test:8080/api/v1/cameras/live/push/s1?token=t')),
      context(withLive),
    );
    assert.deepEqual(started, [
      'ws://hub.test:8080/api/v1/cameras/live/push/s1?token=t',
      'ws://hub.test:8080/api/v1/cameras/live/push/s1?token=t',
    ]);
  });
});
