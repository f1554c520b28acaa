import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import type { CameraConfig } from '@outpost/protocol';
import { createCameraProber } from './probe.js';

const T = Date.UTC(2026, 5, 1, 12, 0, 0);

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('camera prober (no camera needed)', () => {
  it('stamps the event with the injected clock and logs without credentials', async () => {
    const lines: string[] = [];
    const logger = {
      debug() {},
      info: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
      warn: (o: object, m: string) => lines.push(JSON.stringify(o) + m),
    };
    const prober = createCameraProber({ clock: () => T, logger });
    const camera: CameraConfig = {
      id: 9,
      name: 'gate',
      rtsp_url: `rtsp://127.0.0.1:${await closedPort()}/live`,
      username: 'admin',
      password: 'Sup3r-s3cret',
      probe_interval_s: 60,
      snapshot_interval_s: 600,
    };
    const r = await prober.probe(camera);
    assert.equal(r.events.length, 1);
    assert.deepEqual(
      { ...r.events[0], reason: undefined },
      { type: 'camera_state', ts: T, camera_id: 9, status: 'unreachable', reason: undefined },
    );
    assert.deepEqual(r.samples, []);
    assert.ok(lines.length > 0);
    assert.ok(!lines.join('\n').includes('Sup3r-s3cret'));
  });

  it('never throws, even for a host that does not resolve', async () => {
    const r = await createCameraProber({ connectTimeoutMs: 2_000 }).probe({
      id: 1,
      name: 'x',
      rtsp_url: 'rtsp://camera.invalid/live',
      probe_interval_s: 60,
      snapshot_interval_s: 600,
    });
    const ev = r.events[0] as unknown as { status: string; reason: string };
    assert.equal(ev.status, 'unreachable');
    assert.match(ev.reason, /host not found|no connection/);
  });
});
